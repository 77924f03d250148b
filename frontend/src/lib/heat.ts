// The density colour scale of the maps, shared by the map and its legend.

/** heat maps a value on 0..max to a colour from light yellow to dark red. */
export function heat(v: number, max: number): string {
  const x = max > 0 ? Math.min(1, v / max) : 0
  const r = Math.round(255 - 70 * x)
  const g = Math.round(240 - 200 * x)
  const b = Math.round(200 - 180 * x)
  return `rgb(${r},${g},${b})`
}

/** heatSteps splits 0..max into n legend steps: the colour of each step's top and its range. */
export function heatSteps(max: number, n = 4): { color: string; from: number; to: number }[] {
  if (max <= 0) return []
  const out: { color: string; from: number; to: number }[] = []
  for (let i = 0; i < n; i++) {
    const from = Math.floor((max * i) / n) + (i === 0 ? 0 : 1)
    const to = Math.floor((max * (i + 1)) / n)
    if (to < from) continue
    out.push({ color: heat(to, max), from, to })
  }
  return out
}
