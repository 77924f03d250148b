// Chart options shared by the officials' pages (pure functions, so they
// can be unit tested without a canvas).
import type { Estimate } from '../api/survey'

export interface RateRow {
  name: string
  est: Estimate
}

/** rateChart draws rates per domain as bars with CI error bars and the threshold line. */
export function rateChart(rows: RateRow[], threshold: number, labels: { rate: string; ci: string; threshold: string }) {
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 1000) / 10)
  const colors = { meets: '#0b6e4f', below: '#b42318', inconclusive: '#b26a00' } as Record<string, string>
  return {
    grid: { left: 48, right: 16, top: 24, bottom: 64 },
    xAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value', min: (v: { min: number }) => Math.max(0, Math.floor(Math.min(v.min, threshold * 100) / 5) * 5 - 5), max: 100, name: '%' },
    tooltip: { trigger: 'axis' },
    series: [
      {
        name: labels.rate,
        type: 'bar',
        data: rows.map((r) => ({ value: pct(r.est.estimate), itemStyle: { color: colors[r.est.verdict ?? ''] ?? '#1f5fa8' } })),
        markLine: { symbol: 'none', label: { formatter: labels.threshold, position: 'insideEndTop' }, lineStyle: { type: 'dashed', color: '#1b1f23' }, data: [{ yAxis: threshold * 100 }] },
      },
      {
        name: labels.ci,
        type: 'custom',
        data: rows.map((r, i) => [i, pct(r.est.ci_low), pct(r.est.ci_high)]),
        renderItem: (_p: unknown, api: { value: (i: number) => number; coord: (v: [number, number]) => [number, number] }) => {
          const x = api.value(0)
          const lo = api.coord([x, api.value(1)])
          const hi = api.coord([x, api.value(2)])
          const w = 8
          const style = { stroke: '#1b1f23', lineWidth: 1.5 }
          return {
            type: 'group',
            children: [
              { type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style },
              { type: 'line', shape: { x1: lo[0] - w, y1: lo[1], x2: lo[0] + w, y2: lo[1] }, style },
              { type: 'line', shape: { x1: hi[0] - w, y1: hi[1], x2: hi[0] + w, y2: hi[1] }, style },
            ],
          }
        },
        z: 10,
      },
    ],
  }
}

/** barChart draws one count per category label. */
export function barChart(names: string[], values: number[], horizontal = false) {
  const cat = { type: 'category', data: names, axisLabel: { interval: 0 } }
  const val = { type: 'value', minInterval: 1 }
  return {
    grid: { left: horizontal ? 140 : 40, right: 16, top: 16, bottom: horizontal ? 24 : 60 },
    xAxis: horizontal ? val : { ...cat, axisLabel: { interval: 0, rotate: names.length > 5 ? 30 : 0 } },
    yAxis: horizontal ? { ...cat, inverse: true } : val,
    tooltip: { trigger: 'axis' },
    series: [{ type: 'bar', data: values, itemStyle: { color: '#0b6e4f' } }],
  }
}

/** trendChart draws filed and closed cases per week. */
export function trendChart(weeks: string[], filed: number[], closed: number[], labels: { filed: string; closed: string }) {
  return {
    grid: { left: 40, right: 16, top: 32, bottom: 40 },
    legend: { data: closed.length ? [labels.filed, labels.closed] : [labels.filed], top: 0 },
    xAxis: { type: 'category', data: weeks },
    yAxis: { type: 'value', minInterval: 1 },
    tooltip: { trigger: 'axis' },
    series: [
      { name: labels.filed, type: 'line', data: filed, itemStyle: { color: '#1f5fa8' } },
      ...(closed.length ? [{ name: labels.closed, type: 'line', data: closed, itemStyle: { color: '#0b6e4f' } }] : []),
    ],
  }
}
