// Screenshots of the officials' pages at phone (390x844) and desktop
// (1440x900) size in both languages, for before/after comparisons of
// issue 17's "Official" items. Not a test: it asserts nothing.
//
//   PORTAL_BIN=/path/to/portal SHOTS_LABEL=before node e2e/shots.mjs
//
// Saves e2e/artifacts/<label>/<item>-<page>-<size>[-en].png.
import { spawn } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))
const label = process.env.SHOTS_LABEL || 'before'
const OUT = join(here, 'artifacts', label)
mkdirSync(OUT, { recursive: true })
const PASSWORD = 'demo-pass-2026'
const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1440, height: 900 } }

const dataDir = mkdtempSync(join(tmpdir(), 'cleancity-shots-'))
const portal = spawn(process.env.PORTAL_BIN, ['serve', '--demo', '--addr', '127.0.0.1:0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
process.on('exit', () => portal.exitCode === null && portal.kill('SIGTERM'))
const base = await new Promise((resolve, reject) => {
  let out = ''
  portal.stdout.on('data', (d) => {
    out += d
    const m = out.match(/CleanCity portal listening on (http:\/\/\S+)/)
    if (m) resolve(m[1].replace(/\/$/, ''))
  })
  portal.on('exit', (code) => reject(new Error(`portal exited with ${code}`)))
})
const login = async (u) => (await (await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: u, password: PASSWORD }) })).json()).access_token
const token = await login('official')
const rounds = await (await fetch(`${base}/api/v1/rounds`, { headers: { Authorization: `Bearer ${token}` } })).json()
const list = rounds.rounds ?? rounds.items ?? rounds
const open = list.find((r) => r.status === 'open') ?? list[0]
const cases = await (await fetch(`${base}/api/v1/complaints?limit=1`, { headers: { Authorization: `Bearer ${token}` } })).json()
const caseId = (cases.items ?? [])[0]?.id

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu'] })
const pages = [
  ['o1', 'dashboard', '/staff/dashboard', '[data-testid=kpis]'],
  ['o2', 'survey', '/staff/survey', '[data-testid=survey-results]'],
  ['o4', 'review', `/staff/rounds/${open.id}/review`, 'table, p.state'],
  ['o6', 'cases-overdue', '/staff/cases?overdue=1', 'table, p.state'],
  ['o6', 'case', `/staff/cases/${caseId}`, '[data-testid=case-status]'],
  ['o6', 'plan', `/staff/rounds/${open.id}/plan`, 'fieldset.stratum'],
  ['o5', 'rounds', '/staff/rounds', 'table, p.state'],
]
try {
  for (const lang of ['zh-CN', 'en']) {
    const sfx = lang === 'en' ? '-en' : ''
    const ctx = await browser.newContext({ viewport: SIZES.desktop, locale: lang, deviceScaleFactor: 1 })
    const page = await ctx.newPage()
    await page.goto(`${base}/login`)
    await page.evaluate((l) => localStorage.setItem('cleancity.lang', l), lang)
    await page.reload()
    // Wrong password, then the real one.
    await page.fill('input[name=username]', 'official')
    await page.fill('input[name=password]', 'wrong-password')
    await page.click('form button[type=submit]')
    await page.waitForTimeout(1500)
    for (const [size, vp] of Object.entries(SIZES)) {
      await page.setViewportSize(vp)
      await page.screenshot({ path: join(OUT, `en-login-wrong-${size}${sfx}.png`), fullPage: true })
    }
    await page.setViewportSize(SIZES.desktop)
    await page.fill('input[name=password]', PASSWORD)
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('form button[type=submit]')])
    for (const [item, name, path, ready] of pages) {
      for (const [size, vp] of Object.entries(SIZES)) {
        await page.setViewportSize(vp)
        await page.goto(`${base}${path}`)
        await page.locator(ready).first().waitFor({ timeout: 90_000 }).catch(() => console.log(`  ${name}: ${ready} not seen`))
        await page.waitForLoadState('networkidle').catch(() => {})
        await page.waitForTimeout(900)
        await page.screenshot({ path: join(OUT, `${item}-${name}-${size}${sfx}.png`), fullPage: true })
      }
    }
    await ctx.close()
  }
} finally {
  await browser.close()
  portal.kill('SIGTERM')
  rmSync(dataDir, { recursive: true, force: true })
}
console.log(`screenshots in ${OUT}`)
