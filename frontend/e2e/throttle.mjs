// Time to usable of a page on a throttled phone profile, through the
// Chrome DevTools Protocol: DevTools' "Slow 4G" preset (562.5 ms round
// trip, 1.44 Mbit/s down, 675 kbit/s up) and 4x CPU slowdown. Each run is
// a fresh profile (no HTTP cache, no service worker); the figure is the
// page's own clock (performance.now()) when `ready` resolves.
export const SLOW_4G = { offline: false, latency: 562.5, downloadThroughput: (1.6 * 1_000_000 * 0.9) / 8, uploadThroughput: (750 * 1_000 * 0.9) / 8 }

/** throttledTimeToUsable loads url `runs` times and returns every time and the median, in ms. */
export async function throttledTimeToUsable(browser, url, ready, { runs = 3, viewport = { width: 390, height: 844 }, locale = 'zh-CN' } = {}) {
  const times = []
  for (let i = 0; i < runs; i++) {
    const ctx = await browser.newContext({ viewport, locale, deviceScaleFactor: 1 })
    const page = await ctx.newPage()
    const cdp = await ctx.newCDPSession(page)
    await cdp.send('Network.enable')
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true })
    await cdp.send('Network.emulateNetworkConditions', SLOW_4G)
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 })
    await page.goto(url, { waitUntil: 'commit', timeout: 120_000 })
    await ready(page)
    times.push(Math.round(await page.evaluate(() => performance.now())))
    await ctx.close()
  }
  const sorted = [...times].sort((a, b) => a - b)
  return { times, median: sorted[Math.floor(sorted.length / 2)] }
}
