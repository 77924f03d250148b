// Chart options shared by the officials' pages (pure functions, so they
// can be unit tested without a canvas).
import type { Estimate } from '../api/survey'

type CoordAPI = { value: (i: number) => number; coord: (v: [number, number]) => [number, number] }

/** ciBars draws one error bar per [x, low, high] data item of a custom series. */
function ciBars(_p: unknown, api: CoordAPI) {
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
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 1000) / 10)

export interface RateRow {
  name: string
  est: Estimate
}

/** rateChart draws rates per domain as bars with CI error bars and the threshold line. */
export function rateChart(rows: RateRow[], threshold: number, labels: { rate: string; ci: string; threshold: string }) {
  const colors = { meets: '#0b6e4f', below: '#b42318', inconclusive: '#b26a00' } as Record<string, string>
  return {
    // The axis starts at 0 so bar lengths compare; the threshold's label sits
    // right of the plot, where no bar can cover it.
    grid: { left: 48, right: 76, top: 24, bottom: 64 },
    xAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value', min: 0, max: 100, name: '%' },
    tooltip: { trigger: 'axis' },
    series: [
      {
        name: labels.rate,
        type: 'bar',
        data: rows.map((r) => ({ value: pct(r.est.estimate), itemStyle: { color: colors[r.est.verdict ?? ''] ?? '#1f5fa8' } })),
        markLine: { symbol: 'none', label: { formatter: labels.threshold, position: 'end', width: 64, overflow: 'break' }, lineStyle: { type: 'dashed', color: '#1b1f23' }, data: [{ yAxis: threshold * 100 }] },
      },
      {
        name: labels.ci,
        type: 'custom',
        data: rows.map((r, i) => [i, pct(r.est.ci_low), pct(r.est.ci_high)]),
        renderItem: ciBars,
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

/**
 * trendChart draws filed and closed cases per week. Weeks marked partial
 * (the period covers only some of their days) are left out of the solid
 * line and drawn as hollow points on a dashed one, so a short first or last
 * week does not read as a fall in cases.
 */
export function trendChart(weeks: string[], filed: number[], closed: number[], labels: { filed: string; closed: string; partial?: string }, partial: boolean[] = []) {
  const anyPartial = partial.some(Boolean) && !!labels.partial
  const full = anyPartial ? filed.map((v, i) => (partial[i] ? null : v)) : filed
  // The dashed series joins each partial week to its full neighbour.
  const part = filed.map((v, i) => (partial[i] || partial[i - 1] || partial[i + 1] ? v : null))
  const legend = [labels.filed, ...(closed.length ? [labels.closed] : []), ...(anyPartial ? [labels.partial!] : [])]
  return {
    grid: { left: 40, right: 16, top: 32, bottom: 40 },
    legend: { data: legend, top: 0 },
    xAxis: { type: 'category', data: weeks },
    yAxis: { type: 'value', minInterval: 1, min: 0 },
    tooltip: { trigger: 'axis' },
    series: [
      { name: labels.filed, type: 'line', data: full, connectNulls: false, itemStyle: { color: '#1f5fa8' } },
      ...(closed.length ? [{ name: labels.closed, type: 'line', data: closed, itemStyle: { color: '#0b6e4f' } }] : []),
      ...(anyPartial
        ? [
            {
              name: labels.partial,
              type: 'line',
              data: part.map((v, i) => (partial[i] ? { value: v, symbol: 'emptyCircle', symbolSize: 9 } : v === null ? null : { value: v, symbol: 'none' })),
              connectNulls: false,
              lineStyle: { type: 'dashed', color: '#8a94a0' },
              itemStyle: { color: '#8a94a0' },
              z: 1,
            },
          ]
        : []),
    ],
  }
}

/** A proportion with its interval, as the results and the dashboard serve it. */
export interface PointEstimate {
  estimate: number
  ci_low: number | null
  ci_high: number | null
}

/**
 * roundSeriesChart draws one indicator across survey rounds: the overall
 * estimate per round as a line with CI error bars and the threshold line,
 * and optionally one thinner line per district. A round without an estimate
 * keeps its place on the axis with a gap in the line.
 */
export function roundSeriesChart(
  rounds: { label: string; overall: PointEstimate | null }[],
  districts: { name: string; values: (number | null)[] }[],
  threshold: number,
  labels: { overall: string; ci: string; threshold: string },
) {
  const palette = ['#1f5fa8', '#b26a00', '#7b3fa0', '#0e7c86', '#b42318', '#5c6b00', '#8a4b2d', '#3d4d5c']
  const many = rounds.length > 4
  const overall = rounds.map((r) => pct(r.overall?.estimate))
  return {
    grid: { left: 44, right: 40, top: districts.length ? 56 : 24, bottom: many ? 72 : 56 },
    legend: districts.length ? { type: 'scroll', top: 0, data: [labels.overall, ...districts.map((d) => d.name)] } : undefined,
    xAxis: {
      type: 'category',
      data: rounds.map((r) => r.label),
      axisLabel: { interval: 0, rotate: many ? 30 : 0, width: many ? 120 : 84, overflow: many ? 'truncate' : 'break' },
    },
    yAxis: {
      type: 'value',
      min: (v: { min: number }) => Math.max(0, Math.floor(Math.min(v.min, threshold * 100) / 5) * 5 - 5),
      max: 100,
      name: '%',
    },
    tooltip: { trigger: 'axis' },
    series: [
      {
        name: labels.overall,
        type: 'line',
        data: overall,
        connectNulls: false,
        symbolSize: 9,
        lineStyle: { width: 3, color: '#0b6e4f' },
        itemStyle: { color: '#0b6e4f' },
        label: { show: true, position: 'right', distance: 12, formatter: '{c}', backgroundColor: 'rgba(255,255,255,0.9)', padding: [1, 3] },
        z: 5,
        markLine: { symbol: 'none', label: { formatter: labels.threshold, position: 'insideEndTop' }, lineStyle: { type: 'dashed', color: '#1b1f23' }, data: [{ yAxis: threshold * 100 }] },
      },
      {
        name: labels.ci,
        type: 'custom',
        data: rounds.map((r, i) => [i, pct(r.overall?.ci_low), pct(r.overall?.ci_high)]).filter((d) => d[1] !== null && d[2] !== null),
        renderItem: ciBars,
        tooltip: { show: false },
        z: 10,
      },
      ...districts.map((d, i) => ({
        name: d.name,
        type: 'line',
        data: d.values.map(pct),
        connectNulls: false,
        symbolSize: 5,
        lineStyle: { width: 1.5, type: 'dashed', color: palette[i % palette.length] },
        itemStyle: { color: palette[i % palette.length] },
      })),
    ],
  }
}
