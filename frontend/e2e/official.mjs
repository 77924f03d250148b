// Browser tests of issue 17's "Official" items and the English and
// accessibility fixes of the officials' pages, run by e2e/run.mjs with its
// helpers. Each test saves screenshots at phone and desktop size in both
// languages: e2e/artifacts/o<item>-<page>-<size>[-en].png.
import { readFileSync } from 'node:fs'

export async function officialTests(h) {
  const { test, base, newContext, signIn, setLang, shot, check, assert, apiLogin, apiGet, PHONE, DESKTOP } = h
  const sizes = [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ]
  const langs = ['zh-CN', 'en']
  const sfx = (lang) => (lang === 'en' ? '-en' : '')
  // shots saves the page at both sizes and runs axe-core on the desktop one.
  async function shots(page, name, lang, ready) {
    for (const [size, vp] of sizes) {
      await page.setViewportSize(vp)
      if (ready) await ready(page)
      // Charts redraw for the new size on the resize event.
      await page.waitForTimeout(size === 'phone' ? 900 : 300)
      await shot(page, `${name}-${size}${sfx(lang)}`)
      if (size === 'desktop') {
        const bad = await check(page, `${name}${sfx(lang)}`)
        assert(bad.length === 0, `${bad.length} serious or critical accessibility violations on ${name}${sfx(lang)}: ${bad.map((v) => v.id).join(', ')}`)
      }
    }
    await page.setViewportSize(DESKTOP)
  }
  async function signedIn(lang, user = 'official') {
    const ctx = await newContext(DESKTOP, lang)
    const page = await ctx.newPage()
    await page.goto(`${base}/login`)
    await setLang(page, lang)
    await signIn(page, user)
    return { ctx, page }
  }
  const token = await apiLogin('official')
  const rounds = (await apiGet('/api/v1/rounds', token)).rounds
  const open = rounds.find((r) => r.status === 'open')

  await test('official 1-2: the department ranking is the server\'s order and says what is better; charts say their period', async () => {
    const league = (await apiGet('/api/v1/dashboard/departments', token)).departments
    for (const lang of langs) {
      const { ctx, page } = await signedIn(lang)
      await page.goto(`${base}/staff/dashboard`)
      await page.locator('[data-testid=league] tbody tr').first().waitFor({ timeout: 90_000 })
      const rows = await page.locator('[data-testid=league] tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-dept'), tr.getAttribute('data-rank')]))
      assert(JSON.stringify(rows.map((r) => r[0])) === JSON.stringify(league.map((d) => d.id)), `table order ${rows.map((r) => r[0])} is not the server's ${league.map((d) => d.id)}`)
      const ranks = rows.map((r) => (r[1] ? Number(r[1]) : null))
      const ranked = ranks.filter((r) => r !== null)
      assert(ranked.every((r, i) => r === i + 1), `ranks not 1..n in order: ${ranks}`)
      assert(ranks.indexOf(null) === -1 || ranks.slice(ranks.indexOf(null)).every((r) => r === null), 'unranked departments follow the ranked ones')
      // The ranked departments' on-time rates never rise down the table.
      const rates = league.filter((d) => d.rank).map((d) => d.on_time.rate ?? -1)
      assert(rates.every((r, i) => i === 0 || r <= rates[i - 1] + 1e-9), `on-time rates not descending: ${rates}`)
      const rule = await page.locator('[data-testid=league-rule]').textContent()
      assert(lang === 'en' ? /higher is better/.test(rule) : /越高越好/.test(rule), `the rule says which way is better: ${rule}`)
      assert(/\d{4}-\d{2}-\d{2}/.test(await page.locator('[data-testid=dash-period]').textContent()), 'the KPI cards say their period')
      await page.locator('[data-testid=density-legend] li').first().waitFor()
      await shots(page, 'o1-dashboard', lang)
      await ctx.close()
    }
  })

  await test('official 4: a supervisor opens an interview, filters to flagged ones and decides from there', async () => {
    assert(open, 'the demo has an open round')
    for (const lang of langs) {
      const { ctx, page } = await signedIn(lang)
      await page.goto(`${base}/staff/rounds/${open.id}/review`)
      await page.locator('[data-testid=only-flagged]').click()
      await page.waitForURL(/flag=any/)
      const rows = page.locator('tr[data-response]')
      await rows.first().waitFor({ timeout: 30_000 })
      const flagless = await rows.evaluateAll((trs) => trs.filter((tr) => !tr.querySelector('.badge.rejected')).length)
      assert(flagless === 0, `${flagless} rows without a flag in the flagged filter`)
      await shots(page, 'o4-review-flagged', lang)
      // Open the first flagged interview: answers, timing, GPS on the map, flags explained.
      const first = await rows.first().getAttribute('data-response')
      await rows.first().locator('[data-testid=open-response]').click()
      await page.waitForURL((u) => u.searchParams.get('open') === first)
      const detail = page.locator('[data-testid=response-detail]')
      await detail.locator('[data-testid=detail-answers] > div').first().waitFor({ timeout: 30_000 })
      const api = await apiGet(`/api/v1/rounds/${open.id}/responses/${encodeURIComponent(first).replace(/%3A/gi, ':')}`, token)
      const answered = await detail.locator('[data-testid=detail-answers] > div dd:not(.muted)').count()
      assert(answered === Object.keys(api.answers ?? {}).length, `${answered} answers shown, the interview has ${Object.keys(api.answers ?? {}).length}`)
      const flags = await detail.locator('[data-testid=detail-flags] li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-flag')))
      assert(JSON.stringify(flags) === JSON.stringify(api.flags), `flags ${flags} vs ${api.flags}`)
      assert((await detail.locator('[data-testid=detail-gps]').textContent()).includes(api.gps ? api.gps.lat.toFixed(5) : ''), 'the GPS fix is shown')
      await detail.locator('.area-map .leaflet-interactive').first().waitFor()
      assert((await detail.locator('[data-testid=detail-duration]').textContent()).trim().length > 0, 'timing shown')
      await shots(page, 'o4-review-detail', lang, (p) => p.locator('[data-testid=response-detail] .area-map .leaflet-interactive').first().waitFor())
      if (lang === 'zh-CN') {
        // Rejecting needs a reason; with one, the decision moves on to the next flagged interview.
        await detail.locator('[data-testid=detail-reject]').click()
        await page.locator('.field-error', { hasText: '理由' }).waitFor()
        await page.fill('#rv-reason', '定位不在抽样社区，用时过短')
        const [resp] = await Promise.all([page.waitForResponse((r) => r.url().includes('/review') && r.request().method() === 'POST'), detail.locator('[data-testid=detail-reject]').click()])
        assert(resp.status() === 200, `reject answered ${resp.status()}`)
        await page.waitForURL((u) => u.searchParams.get('open') && u.searchParams.get('open') !== first, { timeout: 30_000 })
        const after = await apiGet(`/api/v1/rounds/${open.id}/responses/${encodeURIComponent(first).replace(/%3A/gi, ':')}`, token)
        assert(after.status === 'rejected' && after.reason.includes('定位'), `the interview is rejected with its reason: ${after.status} ${after.reason}`)
        // Back to the list keeps the filter in the URL.
        await page.locator('[data-testid=detail-close]').click()
        await page.waitForURL((u) => !u.searchParams.get('open') && u.searchParams.get('flag') === 'any')
      }
      await ctx.close()
    }
  })

  await test('official 5: Excel-friendly exports (BOM, Chinese headers and names) next to the unchanged analysis CSV', async () => {
    for (const lang of langs) {
      const { ctx, page } = await signedIn(lang)
      await page.goto(`${base}/staff/survey`)
      await page.locator('[data-testid=survey-results]').waitFor({ timeout: 90_000 })
      const [xl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-excel]')])
      const excel = readFileSync(await xl.path(), 'utf8')
      const [an] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-csv]')])
      const analysis = readFileSync(await an.path(), 'utf8')
      assert(excel.charCodeAt(0) === 0xfeff, 'the Excel copy starts with a UTF-8 BOM')
      const head = excel.slice(1).split('\r\n')[0]
      assert(lang === 'en' ? head.startsWith('Stratum,Sampled community,Weight') : head.startsWith('层,抽样社区,权重'), `Excel headers: ${head}`)
      assert(lang === 'en' || /清源区|东湖区|南岭区|西岸区/.test(excel.split('\r\n')[1]), 'district names, not codes')
      assert(analysis.replace(/^\ufeff/, '').startsWith('stratum,psu,weight,satisfied'), `the analysis CSV keeps its codes: ${analysis.slice(0, 60)}`)
      assert(analysis.split('\n').length === excel.split('\r\n').length, 'the same rows')
      await shots(page, 'o5-survey-exports', lang)
      await page.goto(`${base}/staff/cases`)
      await page.locator('tr[data-case]').first().waitFor({ timeout: 90_000 })
      const [cx] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=cases-excel]')])
      const cases = readFileSync(await cx.path(), 'utf8')
      assert(cases.charCodeAt(0) === 0xfeff && cases.slice(1).startsWith(lang === 'en' ? 'Case number,Category,Status' : '案件编号,类别,状态'), `case export: ${cases.slice(0, 40)}`)
      await ctx.close()
    }
  })

  await test('official 6: the case queue keeps its filters in the URL, counts and pages, and says why it is empty', async () => {
    const overdue = (await apiGet('/api/v1/complaints/count?overdue=true', token)).total
    const closed = (await apiGet('/api/v1/complaints?status=closed&limit=1', token)).items[0]
    for (const lang of langs) {
      const { ctx, page } = await signedIn(lang)
      await page.goto(`${base}/staff/cases?overdue=1`)
      await page.locator('[data-testid=cases-count]').waitFor({ timeout: 90_000 })
      assert(await page.locator('.check input[type=checkbox]').isChecked(), '?overdue=1 ticks "only overdue"')
      const count = await page.locator('[data-testid=cases-count]').textContent()
      assert(count.includes(String(overdue)), `the count says ${overdue}: ${count}`)
      const notOverdue = await page.locator('tr[data-case]').evaluateAll((trs) => trs.filter((tr) => !tr.querySelector('.badge.overdue')).length)
      assert(notOverdue === 0, `${notOverdue} rows are not overdue`)
      if (overdue > 50) {
        await page.click('[data-testid=cases-more]')
        await page.waitForFunction(() => document.querySelectorAll('tr[data-case]').length > 50)
      }
      await shots(page, 'o6-cases-overdue', lang)
      // A filter from the form lands in the URL; an impossible one says why the list is empty.
      await page.fill('#f-q', 'zzzz-no-such-case')
      await page.click('form.filters button[type=submit]')
      await page.waitForURL(/q=zzzz-no-such-case/)
      await page.locator('[data-testid=cases-empty]').waitFor()
      await shots(page, 'o6-cases-empty', lang)
      await page.click('[data-testid=cases-empty] button')
      await page.waitForURL((u) => !u.search)
      if (closed) {
        await page.goto(`${base}/staff/cases/${closed.id}`)
        const why = page.locator('[data-testid=no-actions]')
        await why.waitFor({ timeout: 30_000 })
        assert((await why.textContent()).length > 8, 'the actions card says why nothing can be done')
        await shots(page, 'o6-case-no-actions', lang)
      }
      // Volunteers are picked from the active accounts.
      await page.goto(`${base}/staff/rounds`)
      const picker = page.locator('[data-testid=volunteer-picker]')
      await picker.locator('option[value=volunteer1]').waitFor({ state: 'attached', timeout: 30_000 })
      await shots(page, 'o6-rounds-volunteers', lang)
      await ctx.close()
    }
  })

  await test('PPS draw: the plan builder draws communities by population, seeded, with inclusion probabilities', async () => {
    const qs = (await apiGet('/api/v1/questionnaires', token)).questionnaires
    const q = qs[qs.length - 1]
    const communities = (await apiGet('/api/v1/areas?level=community&geometry=false', token)).features.map((f) => f.properties)
    const total = {}
    for (const c of communities) total[c.district_id] = (total[c.district_id] ?? 0) + (c.residents ?? 0)
    const size = Object.fromEntries(communities.map((c) => [c.id, c.residents ?? 0]))
    for (const lang of langs) {
      const { ctx, page } = await signedIn(lang)
      const res = await fetch(`${base}/api/v1/rounds`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify({ name: `PPS ${lang}`, questionnaire_id: q.id, questionnaire_version: q.version, starts_on: '2027-03-01', ends_on: '2027-03-31' }) })
      assert(res.status === 201, `create round: ${res.status}`)
      const roundId = (await res.json()).id
      await page.goto(`${base}/staff/rounds/${roundId}/plan`)
      await page.locator('[data-testid=pps-draw]').waitFor({ timeout: 30_000 })
      await page.fill('[data-testid=pps-n]', '3')
      await page.fill('[data-testid=pps-seed]', '424242')
      await Promise.all([page.waitForResponse((x) => x.url().endsWith('/plan') && x.request().method() === 'PUT'), page.click('[data-testid=pps-draw]')])
      const table = page.locator('[data-testid=pps-table] tbody tr')
      await table.first().waitFor()
      const drawn = await table.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-unit'), Number(tr.getAttribute('data-inclusion'))]))
      assert(drawn.length === 12, `3 communities in each of 4 districts: ${drawn.length}`)
      for (const [id, p] of drawn) {
        const d = communities.find((c) => c.id === id).district_id
        const want = Math.min(1, (3 * size[id]) / total[d])
        assert(Math.abs(p - want) < 1e-9, `${id}: inclusion ${p}, want 3 x ${size[id]} / ${total[d]} = ${want}`)
      }
      // The same seed draws the same communities.
      await Promise.all([page.waitForResponse((x) => x.url().endsWith('/plan') && x.request().method() === 'PUT'), page.click('[data-testid=pps-draw]')])
      await page.waitForTimeout(300)
      const again = await table.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-unit')))
      assert(JSON.stringify(again) === JSON.stringify(drawn.map((d) => d[0])), 'the same seed drew other communities')
      const saved = await apiGet(`/api/v1/rounds/${roundId}`, token)
      assert(saved.plan.method === 'pps' && saved.plan.seed === 424242, `the plan is saved as a PPS draw: ${saved.plan.method} ${saved.plan.seed}`)
      // Communities are grouped by street with select-all per street, and can be searched.
      await page.locator('fieldset.stratum tbody[data-street] [data-testid=street-all]').first().waitFor()
      await shots(page, 'o6-plan-pps', lang)
      await page.fill('[data-testid=plan-search]', communities[0].name)
      await page.waitForTimeout(200)
      const visible = await page.locator('fieldset.stratum tbody[data-street] tr:not(.street-row)').count()
      assert(visible >= 1 && visible < communities.length, `search keeps ${visible} communities`)
      await ctx.close()
    }
  })

  await test('English and accessibility: the wrong-password message, the header at 1440 px, the signed-in name', async () => {
    const ctx = await newContext(DESKTOP, 'en')
    const page = await ctx.newPage()
    await page.goto(`${base}/login`)
    await setLang(page, 'en')
    await page.reload()
    await page.fill('input[name=username]', 'official')
    await page.fill('input[name=password]', 'not-the-password')
    await page.click('form button[type=submit]')
    const alert = page.locator('.alert.error strong').first()
    await alert.waitFor()
    const text = (await alert.textContent()).trim()
    assert(text === 'Wrong username or password', `wrong password reads: ${text}`)
    await shots(page, 'en-login-wrong', 'en')
    await signIn(page, 'official')
    await page.goto(`${base}/staff/dashboard`)
    await page.locator('[data-testid=kpis]').waitFor({ timeout: 90_000 })
    const hb = await page.locator('.topbar').boundingBox()
    assert(hb.height <= 72, `the English header wraps at 1440 px: ${hb.height} px high`)
    const who = (await page.locator('[data-testid=who]').textContent()).trim()
    assert(!/[\u3400-\u9fff]/.test(who), `the signed-in name mixes languages: ${who}`)
    await shot(page, 'en-header-desktop-en')
    await ctx.close()
  })
}
