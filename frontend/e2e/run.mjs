// End-to-end journeys in headless Chromium against the real portal binary.
//
//   PORTAL_BIN=/path/to/portal npm run test:e2e
//
// Starts `$PORTAL_BIN serve --demo --addr 127.0.0.1:0 --data-dir <tmp>`,
// reads the URL it prints, drives Debian's Chromium (CHROMIUM_BIN, default
// /usr/bin/chromium) through the resident, department, volunteer and
// official journeys, runs axe-core on every page (serious or critical
// violations fail), records Content-Security-Policy violations (they fail
// too), saves phone (390x844) and desktop (1440x900) screenshots under
// e2e/artifacts/, stops the portal and prints "N passed, N failed".
import { spawn } from 'node:child_process'
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { chromium } from 'playwright-core'
import { officialTests } from './official.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')
const ART = join(here, 'artifacts')
const PASSWORD = 'demo-pass-2026'
const PHONE = { width: 390, height: 844 }
const DESKTOP = { width: 1440, height: 900 }
const CHROME_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

const bin = process.env.PORTAL_BIN
if (!bin) {
  console.error('set PORTAL_BIN to the portal binary (go build -o bin/portal ./cmd/portal)')
  process.exit(2)
}
// A fresh artifacts directory, except the before/after comparison shots of e2e/shots.mjs.
mkdirSync(ART, { recursive: true })
for (const f of readdirSync(ART)) if (f !== 'before' && f !== 'after') rmSync(join(ART, f), { recursive: true, force: true })

// ---- portal ----
const dataDir = mkdtempSync(join(tmpdir(), 'cleancity-e2e-'))
const portal = spawn(bin, ['serve', '--demo', '--addr', '127.0.0.1:0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
let portalLog = ''
portal.stderr.on('data', (d) => (portalLog = (portalLog + d).slice(-20000)))
// Seeding the demo city and its 90 days of data takes a while on a small machine.
const startTimeout = Number(process.env.E2E_START_TIMEOUT_MS || 900_000)
process.on('exit', () => {
  if (portal.exitCode === null) portal.kill('SIGTERM')
})
const base = await new Promise((resolve, reject) => {
  let out = ''
  const timer = setTimeout(() => reject(new Error(`portal did not print its URL within ${startTimeout / 1000} s\n` + portalLog)), startTimeout)
  portal.stdout.on('data', (d) => {
    out += d
    const m = out.match(/CleanCity portal listening on (http:\/\/\S+)/)
    if (m) {
      clearTimeout(timer)
      resolve(m[1].replace(/\/$/, ''))
    }
  })
  portal.on('exit', (code) => reject(new Error(`portal exited with ${code}\n${portalLog}`)))
})
console.log(`portal at ${base} (started in ${Math.round(process.uptime())} s)`)

function stopPortal() {
  if (portal.exitCode === null) portal.kill('SIGTERM')
  rmSync(dataDir, { recursive: true, force: true })
}

// ---- API helpers (node side) ----
async function apiLogin(username) {
  const r = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) })
  if (!r.ok) throw new Error(`login ${username}: ${r.status} ${await r.text()}`)
  return (await r.json()).access_token
}
async function apiGet(path, token) {
  const r = await fetch(`${base}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} })
  if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`)
  return r.json()
}

// ---- browser ----
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', headless: true, args: CHROME_FLAGS })
const cspViolations = []
const a11y = []

async function newContext(viewport = PHONE, locale = 'zh-CN') {
  // Every context is a fresh profile: no cookies, storage or service worker.
  const ctx = await browser.newContext({ viewport, locale, deviceScaleFactor: 1, permissions: ['geolocation', 'clipboard-read', 'clipboard-write'], geolocation: { latitude: 27.8123, longitude: 113.1041, accuracy: 12 } })
  ctx.on('page', watchPage)
  return ctx
}
function watchPage(page) {
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(`${page.url()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => console.log(`  page error on ${page.url()}: ${e.message}`))
}

async function setLang(page, lang) {
  await page.evaluate((l) => localStorage.setItem('cleancity.lang', l), lang)
}

async function signIn(page, username) {
  await page.goto(`${base}/login`)
  await page.fill('input[name=username]', username)
  await page.fill('input[name=password]', PASSWORD)
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('form button[type=submit]')])
}

/** check runs axe-core on the page and records serious and critical violations. */
async function check(page, name) {
  await page.evaluate(AXE)
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] })
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }))
  })
  const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  for (const v of bad) a11y.push(`${name}: [${v.impact}] ${v.id} ${v.help} at ${v.nodes.join(', ')}`)
  return bad
}

/** shot saves a screenshot of the page as it is, at its current size. */
async function shot(page, name) {
  await page.waitForTimeout(250)
  await page.screenshot({ path: join(ART, `${name}.png`), fullPage: true })
}

/** capture loads a page at phone and desktop size, checks accessibility, saves screenshots. */
async function capture(ctxPage, path, name, ready) {
  for (const [size, vp] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ]) {
    await ctxPage.setViewportSize(vp)
    await ctxPage.goto(`${base}${path}`)
    if (ready) await ready(ctxPage)
    await ctxPage.waitForLoadState('networkidle').catch(() => {})
    await shot(ctxPage, `${name}-${size}`)
    if (size === 'desktop') await check(ctxPage, `${name} (${path})`)
  }
}

// A real JPEG photo for uploads: draw one in the page and export it.
async function makePhoto(page) {
  const b64 = await page.evaluate(() => {
    const c = document.createElement('canvas')
    c.width = 1200
    c.height = 900
    const g = c.getContext('2d')
    g.fillStyle = '#7a8b6f'
    g.fillRect(0, 0, 1200, 900)
    g.fillStyle = '#3b2f2f'
    for (let i = 0; i < 40; i++) g.fillRect((i * 97) % 1100, (i * 53) % 800, 60, 40)
    return c.toDataURL('image/jpeg', 0.9).split(',')[1]
  })
  return Buffer.from(b64, 'base64')
}

// ---- runner ----
const results = []
const state = {}
async function test(name, fn, needs = []) {
  // E2E_ONLY=<regexp> runs only the tests whose names match.
  if (process.env.E2E_ONLY && !new RegExp(process.env.E2E_ONLY).test(name)) return
  const missing = needs.filter((n) => !results.find((r) => r.name === n && r.ok))
  if (missing.length) {
    results.push({ name, ok: false, err: `skipped: needs ${missing.join(', ')}` })
    console.log(`✗ ${name} (needs ${missing.join(', ')})`)
    return
  }
  const t0 = Date.now()
  try {
    await fn()
    results.push({ name, ok: true })
    console.log(`✓ ${name} (${Date.now() - t0} ms)`)
  } catch (e) {
    results.push({ name, ok: false, err: e.stack || String(e) })
    console.log(`✗ ${name}\n  ${String(e.stack || e).split('\n').slice(0, 6).join('\n  ')}`)
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg)
}

try {
  await test('resident files a complaint with a photo', async () => {
    const ctx = await newContext(PHONE)
    const page = await ctx.newPage()
    // Time to interactive of the resident page, measured in the browser:
    // from navigation start until the category tiles can be used.
    const t0 = Date.now()
    await page.goto(`${base}/report`)
    await page.locator('.cat').first().waitFor({ state: 'visible' })
    const wall = Date.now() - t0
    const nav = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0]
      return { domInteractive: Math.round(n.domInteractive), load: Math.round(n.loadEventEnd), ready: Math.round(performance.now()) }
    })
    state.tti = { wall_ms: wall, ...nav }
    console.log(`  resident /report: DOM interactive ${nav.domInteractive} ms, categories usable at ${nav.ready} ms (wall ${wall} ms)`)
    await shot(page, 'report-phone')
    await check(page, 'report (/report)')

    await page.locator('label.cat', { hasText: '垃圾' }).first().click()
    // Place the point by tapping the map, then check it was located in the city.
    const map = page.locator('.area-map .map').first()
    await map.scrollIntoViewIfNeeded()
    const box = await map.boundingBox()
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.4)
    await page.locator('[data-testid=chosen-point]').waitFor()
    await page.getByText('所属', { exact: false }).first().waitFor({ timeout: 10_000 })
    await page.fill('#description', '幸福路后巷垃圾堆放三天无人清运，气味很大，请尽快处理。')
    const photo = await makePhoto(page)
    await page.setInputFiles('#photos', { name: 'street.jpg', mimeType: 'image/jpeg', buffer: photo })
    await page.locator('.thumbs img').first().waitFor()
    await shot(page, 'report-filled-phone')
    const [resp] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/v1/complaints') && r.request().method() === 'POST'), page.click('.submit-bar button[type=submit]')])
    const filed = await resp.json()
    assert(resp.status() === 201, `filing answered ${resp.status()}: ${JSON.stringify(filed)}`)
    const code = (await page.locator('[data-testid=tracking-code]').textContent()).trim()
    const secret = (await page.locator('[data-testid=follow-up-secret]').textContent()).trim()
    assert(code === filed.tracking_code, 'tracking code shown')
    assert(secret.length > 0, 'secret shown to an anonymous reporter')
    state.case = { id: filed.id, code, secret, department: filed.department?.id }
    await shot(page, 'report-done-phone')
    await check(page, 'report done')

    // Track it: the timeline has the filing event and the photo.
    await page.click('text=查看办理进度')
    await page.locator('[data-testid=case-status]').waitFor()
    assert((await page.locator('.timeline li').count()) >= 1, 'timeline has events')
    assert((await page.locator('.photos img').count()) >= 1, 'the photo is shown')
    await shot(page, 'track-phone')
    await check(page, 'track')
    await ctx.close()
  })

  await test('department staff accept, start and resolve the case with an after-photo', async () => {
    const ctx = await newContext(DESKTOP)
    const page = await ctx.newPage()
    const dept = state.case.department === 'citymgmt' ? 'citymgmt' : 'sanitation'
    await signIn(page, dept)
    await page.goto(`${base}/staff/cases`)
    await page.locator(`tr[data-case="${state.case.id}"]`).waitFor({ timeout: 90_000 })
    await shot(page, 'cases-desktop')
    await check(page, 'cases (/staff/cases)')
    await page.goto(`${base}/staff/cases/${state.case.id}`)
    for (const action of ['accept', 'start']) {
      await page.click(`[data-action=${action}]`)
      await page.fill('#a-note', action === 'accept' ? '已接收，安排保洁班组。' : '保洁班组已到场处理。')
      await Promise.all([page.waitForResponse((r) => r.url().includes('/actions') && r.status() === 200), page.click('[data-testid=confirm-action]')])
    }
    await page.click('[data-action=resolve]')
    await page.fill('#a-note', '垃圾已全部清运，地面已冲洗。')
    await page.setInputFiles('#a-photo', { name: 'after.jpg', mimeType: 'image/jpeg', buffer: await makePhoto(page) })
    await page.waitForTimeout(300)
    const [resp] = await Promise.all([page.waitForResponse((r) => r.url().includes('/actions')), page.click('[data-testid=confirm-action]')])
    assert(resp.status() === 200, `resolve answered ${resp.status()}: ${await resp.text()}`)
    await page.locator('[data-testid=case-status].st-resolved').waitFor()
    await shot(page, 'case-desktop')
    await check(page, 'case detail')
    await page.setViewportSize(PHONE)
    await shot(page, 'case-phone')
    await ctx.close()
  }, ['resident files a complaint with a photo'])

  await test('resident confirms the resolution and rates it', async () => {
    const ctx = await newContext(PHONE)
    const page = await ctx.newPage()
    await page.goto(`${base}/track/${state.case.code}`)
    await page.locator('#fb-title').waitFor()
    assert((await page.locator('.photos img').count()) >= 2, 'after-photo shown')
    await page.locator('label.star').nth(3).click()
    await page.fill('#fb-comment', '处理很及时，谢谢！')
    await page.fill('#fb-secret', state.case.secret)
    await shot(page, 'track-feedback-phone')
    await check(page, 'track feedback')
    const [resp] = await Promise.all([page.waitForResponse((r) => r.url().includes('/feedback')), page.click('#fb-title ~ form button[type=submit]')])
    assert(resp.status() === 200, `feedback answered ${resp.status()}: ${await resp.text()}`)
    await page.locator('[data-testid=case-status].st-closed').waitFor()
    await shot(page, 'track-closed-phone')
    await ctx.close()
  }, ['department staff accept, start and resolve the case with an after-photo'])

  await test('volunteer completes two interviews offline; they sync exactly once', async () => {
    const ctx = await newContext(PHONE)
    const page = await ctx.newPage()
    await signIn(page, 'volunteer1')
    await page.goto(`${base}/volunteer`)
    const start = page.locator('a.btn', { hasText: '开始访问' }).first()
    await start.waitFor({ timeout: 90_000 })
    await shot(page, 'volunteer-phone')
    await check(page, 'volunteer (/volunteer)')
    const href = await start.getAttribute('href')
    const [, , , roundId, unit] = href.split('/')
    // Load the interview once online (questionnaire and code cached), then lose the network.
    await start.click()
    await page.locator('[data-testid=gps]').waitFor({ timeout: 90_000 })
    await ctx.setOffline(true)
    await page.locator('.offline-banner').waitFor()
    const ids = []
    for (let n = 0; n < 2; n++) {
      for (let step = 0; step < 80; step++) {
        if (await page.locator('[data-testid=finish]').isVisible()) break
        const radios = page.locator('.question input[type=radio]')
        const text = page.locator('.question input[type=text]')
        if ((await radios.count()) > 0) {
          await radios.nth(step % 2 === 0 ? 0 : Math.min(1, (await radios.count()) - 1)).check()
        } else if ((await text.count()) > 0) {
          const mode = await text.getAttribute('inputmode')
          await text.fill(mode === 'numeric' ? '12' : '希望多设垃圾桶')
        }
        if (n === 0 && step === 1) await shot(page, 'interview-phone')
        await page.click('[data-testid=next]')
      }
      await shot(page, `interview-review-${n + 1}-phone`)
      if (n === 0) await check(page, 'interview review')
      await page.click('[data-testid=finish]')
      const saved = await page.locator('[data-testid=saved]').textContent()
      ids.push(saved.match(/[0-9a-f-]{36}/)[0])
      if (n === 0) await page.click('[data-testid=next-interview]')
    }
    await page.goto(`${base}/volunteer`).catch(() => {}) // offline: the service worker or the SPA router answers
    if (!page.url().endsWith('/volunteer') || !(await page.locator('[data-testid=queue-counts]').isVisible().catch(() => false))) {
      await page.evaluate(() => history.back())
    }
    await page.locator('[data-testid=count-queued]', { hasText: '2' }).waitFor({ timeout: 10_000 })
    await shot(page, 'volunteer-offline-queue-phone')

    // Back online: the queue uploads by itself.
    await ctx.setOffline(false)
    await page.locator('[data-testid=count-sent]', { hasText: '2' }).waitFor({ timeout: 90_000 })
    // A second sync sends nothing new, and a forced resend of the same UUIDs would be deduplicated by the server.
    await page.click('[data-testid=sync-now]')
    await page.waitForTimeout(500)
    await shot(page, 'volunteer-synced-phone')
    const token = await apiLogin('admin')
    const list = await apiGet(`/api/v1/rounds/${roundId}/responses?unit=${encodeURIComponent(unit)}&limit=500`, token)
    const rows = list.responses ?? list.items ?? []
    for (const id of ids) {
      const n = rows.filter((r) => r.client_id === id).length
      assert(n === 1, `response ${id} stored ${n} times`)
    }
    state.volunteer = { roundId, unit, ids }
    await ctx.close()
  })

  await test('official sees the case and the survey result on the dashboard', async () => {
    const ctx = await newContext(DESKTOP)
    const page = await ctx.newPage()
    await signIn(page, 'official')
    await page.goto(`${base}/staff/dashboard`)
    await page.locator('[data-testid=survey-rate]').waitFor({ timeout: 90_000 })
    await page.locator('[data-testid=kpis]').waitFor()
    await page.waitForTimeout(800)
    await shot(page, 'dashboard-desktop')
    await check(page, 'dashboard (/staff/dashboard)')
    // The survey card's indicator picker switches the across-rounds chart
    // and the latest round's table by district, which keeps its verdict
    // badges and the complaints per 10,000 residents beside them.
    const dtable = page.locator('[data-testid=dash-survey-table]')
    assert((await dtable.getAttribute('data-indicator')) === 'satisfaction', 'satisfaction is the dashboard default indicator')
    await page.locator('[data-testid=dash-indicator-picker] input[value=awareness]').check()
    await page.locator('[data-testid=dash-survey-table][data-indicator=awareness]').waitFor({ timeout: 5_000 })
    const dbadge = dtable.locator('[data-testid=verdict]').first()
    await dbadge.waitFor({ state: 'visible', timeout: 5_000 })
    assert(['meets', 'below', 'inconclusive'].includes(await dbadge.getAttribute('data-verdict')), 'a verdict badge for per-respondent awareness')
    const per10k = dtable.locator('[data-testid=per10k]').first()
    await per10k.waitFor({ state: 'visible', timeout: 5_000 })
    const per10kText = (await per10k.textContent()).trim()
    assert(/^\d+\.\d{2}$/.test(per10kText), `complaints per 10,000 residents shown as a number: ${per10kText}`)
    await page.waitForTimeout(500)
    await shot(page, 'dashboard-awareness-desktop')
    const dbad = await check(page, 'dashboard, per-respondent awareness (/staff/dashboard)')
    assert(dbad.length === 0, `${dbad.length} serious or critical accessibility violations on the dashboard with the indicator switched`)
    await page.setViewportSize(PHONE)
    await shot(page, 'dashboard-phone')
    await page.setViewportSize(DESKTOP)
    if (state.case) {
      await page.goto(`${base}/staff/cases`)
      await page.locator(`tr[data-case="${state.case.id}"]`).waitFor({ timeout: 90_000 })
      await page.goto(`${base}/staff/cases/${state.case.id}`)
      await page.locator('[data-testid=case-status].st-closed').waitFor()
    }
    await page.goto(`${base}/staff/survey`)
    await page.locator('[data-testid=survey-results]').waitFor({ timeout: 90_000 })
    await page.waitForTimeout(800)
    await shot(page, 'survey-desktop')
    await check(page, 'survey (/staff/survey)')
    // The indicator picker is a native radio group: arrow keys move from
    // satisfaction (the default) to per-question awareness, which switches
    // the per-domain table and shows what "per question" means.
    const table = page.locator('[data-testid=survey-table]')
    assert((await table.getAttribute('data-indicator')) === 'satisfaction', 'satisfaction is the default indicator')
    await page.focus('[data-testid=indicator-picker] input[value=satisfaction]')
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowRight')
    await page.locator('[data-testid=survey-table][data-indicator=awareness_items]').waitFor({ timeout: 5_000 })
    assert(await page.locator('[data-testid=indicator-picker] input[value=awareness_items]').isChecked(), 'per-question awareness chosen with the keyboard')
    const badges = table.locator('[data-testid=verdict]')
    await badges.first().waitFor({ timeout: 5_000 })
    const verdicts = await badges.evaluateAll((els) => els.map((e) => e.getAttribute('data-verdict')))
    assert(verdicts.length > 0 && verdicts.every((v) => ['meets', 'below', 'inconclusive'].includes(v)), `verdict badges for per-question awareness: ${verdicts}`)
    await page.locator('[data-testid=items-note]').waitFor()
    await page.waitForTimeout(500)
    await shot(page, 'survey-items-desktop')
    const bad = await check(page, 'survey, per-question awareness (/staff/survey)')
    assert(bad.length === 0, `${bad.length} serious or critical accessibility violations with the indicator switched`)
    await page.setViewportSize(PHONE)
    await shot(page, 'survey-phone')
    await ctx.close()
  })

  await test('official creates a round, builds its plan with the planner, and reviews responses', async () => {
    const ctx = await newContext(DESKTOP)
    const page = await ctx.newPage()
    await signIn(page, 'official')
    await page.goto(`${base}/staff/rounds`)
    await page.click('[data-testid=new-round]')
    const form = page.locator('[data-testid=create-round]')
    await form.waitFor()
    // An empty submit shows per-field errors next to the inputs.
    await form.locator('button[type=submit]').click()
    await form.locator('.field-error').first().waitFor()
    await form.getByLabel(/名称/).first().fill('E2E 抽查轮次')
    await form.getByLabel(/开始日期/).fill('2027-01-04')
    await form.getByLabel(/结束日期/).fill('2027-01-31')
    await Promise.all([page.waitForURL(/\/staff\/rounds\/[^/]+\/plan$/, { timeout: 30_000 }), form.locator('button[type=submit]').click()])
    const strata = page.locator('fieldset.stratum')
    await strata.first().waitFor({ timeout: 30_000 })
    const n = Math.min(2, await strata.count())
    for (let i = 0; i < n; i++) await strata.nth(i).getByRole('button', { name: '全部抽取' }).click()
    await page.click('[data-testid=save-plan]')
    await page.locator('.badge.sent', { hasText: '方案已保存' }).waitFor({ timeout: 30_000 })
    const sg = page.locator('[data-testid=suggestion]')
    await sg.getByRole('button', { name: '获取建议' }).click()
    await sg.locator('tbody tr').first().waitFor({ timeout: 30_000 })
    await sg.getByRole('button', { name: '采用建议访问量' }).click()
    await page.click('[data-testid=save-plan]')
    await page.locator('.badge.sent').waitFor({ timeout: 30_000 })
    await shot(page, 'round-plan-desktop')
    await check(page, 'round plan (/staff/rounds/:id/plan)')

    const roundId = state.volunteer?.roundId
    await page.goto(roundId ? `${base}/staff/rounds/${roundId}/review` : `${base}/staff/review`)
    // The demo's open round has submitted responses awaiting review.
    await page.locator('tr[data-response], p.state:not([role=status])').first().waitFor({ timeout: 30_000 })
    await shot(page, 'review-desktop')
    await check(page, 'review (/staff/rounds/:id/review)')
    const row = page.locator('tr[data-response]').first()
    if (await row.count()) {
      // Rejecting without a reason is refused next to the reason field.
      await row.locator('input[type=checkbox]').check()
      await page.click('[data-testid=bulk-reject]')
      await page.locator('.field-error', { hasText: '理由' }).waitFor()
      // Accept two at once (POST /reviews), then one from its row (POST /responses/:rid/review).
      const second = page.locator('tr[data-response]').nth(1)
      const many = (await second.count()) > 0
      if (many) await second.locator('input[type=checkbox]').check()
      await page.click('[data-testid=bulk-accept]')
      await page.locator('.alert.ok', { hasText: many ? '已通过 2 份' : '已通过 1 份' }).waitFor({ timeout: 30_000 })
      const next = page.locator('tr[data-response]').first()
      if (await next.count()) {
        await next.getByRole('button', { name: /^通过答卷/ }).click()
        await page.locator('.alert.ok', { hasText: '已通过 1 份' }).waitFor({ timeout: 30_000 })
      }
      await shot(page, 'review-decided-desktop')
    }
    await ctx.close()
  })

  // Issue 17's officials' items (e2e/official.mjs).
  await officialTests({ test, base, newContext, signIn, setLang, shot, check, assert, apiLogin, apiGet, PHONE, DESKTOP })

  await test('every main page renders at phone and desktop size in both languages without serious a11y violations', async () => {
    const before = a11y.length
    for (const lang of ['zh-CN', 'en']) {
      const ctx = await newContext(PHONE, lang)
      const page = await ctx.newPage()
      await page.goto(`${base}/`)
      await setLang(page, lang)
      const sfx = lang === 'en' ? '-en' : ''
      await capture(page, '/', `home${sfx}`, (p) => p.locator('.area-map .leaflet-interactive').first().waitFor())
      await capture(page, '/map', `map${sfx}`, (p) => p.locator('.area-map .leaflet-interactive').first().waitFor())
      await capture(page, '/overdue', `overdue${sfx}`)
      await capture(page, '/login', `login${sfx}`)
      await capture(page, '/register', `register${sfx}`)
      await capture(page, '/report', `report${sfx}`, (p) => p.locator('.cat').first().waitFor())
      await capture(page, '/track', `track-form${sfx}`)
      await capture(page, '/no/such/page', `notfound${sfx}`)
      await signIn(page, 'official')
      await capture(page, '/staff/board', `board${sfx}`)
      await capture(page, '/staff/rounds', `rounds${sfx}`)
      await capture(page, '/staff/rounds/new', `round-new${sfx}`, (p) => p.locator('[data-testid=create-round]').waitFor())
      await capture(page, '/staff/review', `review${sfx}`, (p) => p.locator('tr[data-response], p.state:not([role=status])').first().waitFor({ timeout: 30_000 }))
      await capture(page, '/staff/cases', `cases${sfx}`)
      if (lang === 'en') {
        await capture(page, '/staff/dashboard', `dashboard${sfx}`, (p) => p.locator('[data-testid=survey-rate]').waitFor({ timeout: 90_000 }))
        await capture(page, '/staff/survey', `survey${sfx}`, (p) => p.locator('[data-testid=survey-results]').waitFor({ timeout: 90_000 }))
      }
      await ctx.close()
    }
    assert(a11y.length === before, `${a11y.length - before} serious or critical accessibility violations`)
  })

  await test('the app shell, manifest and service worker are served as an installable PWA', async () => {
    const ctx = await newContext(PHONE)
    const page = await ctx.newPage()
    await page.goto(`${base}/`)
    const sw = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready
      return !!reg.active
    })
    assert(sw, 'service worker active')
    const manifest = await (await fetch(`${base}/manifest.webmanifest`)).json()
    assert(manifest.name.includes('净城') && manifest.icons.length >= 2, 'manifest with Chinese name and icons')
    // Offline, a deep link still loads the cached app shell.
    await ctx.setOffline(true)
    await page.goto(`${base}/track/ANYCODE`)
    await page.locator('#track-code').waitFor()
    await ctx.close()
  })
} finally {
  await browser.close().catch(() => {})
  stopPortal()
}

if (a11y.length) console.log(`\naccessibility (serious/critical):\n  ${a11y.join('\n  ')}`)
if (cspViolations.length) {
  console.log(`\nContent-Security-Policy violations:\n  ${[...new Set(cspViolations)].join('\n  ')}`)
  results.push({ name: 'no Content-Security-Policy violations', ok: false })
} else {
  results.push({ name: 'no Content-Security-Policy violations', ok: true })
}
writeFileSync(join(ART, 'summary.json'), JSON.stringify({ results, tti: state.tti, a11y, csp: cspViolations }, null, 2))
const passed = results.filter((r) => r.ok).length
const failed = results.length - passed
console.log(`\n${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
