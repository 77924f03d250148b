// Map logic without Leaflet: grid clustering of markers at the current
// zoom, which area level to label, and the name search over the areas.
import type { AreaFeature, AreaProps } from '../api/areas'

export interface Cell<T> {
  items: T[]
}

/**
 * clusterByCell groups items whose screen points fall in the same cell of
 * a square grid `size` pixels wide; project gives an item's screen point
 * at the current zoom. Groups keep the items' order; a lone item is a
 * group of one.
 */
export function clusterByCell<T>(items: T[], project: (x: T) => { x: number; y: number }, size: number): Cell<T>[] {
  const cells = new Map<string, Cell<T>>()
  for (const it of items) {
    const p = project(it)
    const key = `${Math.floor(p.x / size)}:${Math.floor(p.y / size)}`
    let c = cells.get(key)
    if (!c) cells.set(key, (c = { items: [] }))
    c.items.push(it)
  }
  return [...cells.values()]
}

/** LABEL_MIN_PX is how wide (on screen) a level's typical area must be before its names are shown. */
export const LABEL_MIN_PX = 84

/**
 * labelLevel picks the finest of the drawn levels whose median area is at
 * least LABEL_MIN_PX wide on screen, so names fit inside their shapes;
 * widths are per level, in pixels. Null when even the coarsest is too small.
 */
export function labelLevel(levels: AreaProps['level'][], widths: Record<string, number[]>): AreaProps['level'] | null {
  const order: AreaProps['level'][] = ['grid', 'community', 'street', 'district']
  for (const lvl of order) {
    if (!levels.includes(lvl)) continue
    const w = [...(widths[lvl] ?? [])].sort((a, b) => a - b)
    if (w.length && w[Math.floor(w.length / 2)] >= LABEL_MIN_PX) return lvl
  }
  return null
}

export interface AreaHit {
  feature: AreaFeature
  score: number
}

// Generic suffixes residents leave out: "解放路" finds 解放路街道.
const SUFFIX = /(街道办事处|街道|社区居委会|社区|居委会|新区|区|subdistrict|community|district)$/i

function norm(s: string): string {
  return s.toLowerCase().replace(/\s+/g, ' ').trim()
}

/**
 * searchAreas finds districts, streets and communities by name, Chinese
 * or English, whole or in part, with or without 街道/社区/区. Exact and
 * prefix matches come first, then coarser levels, then the name.
 */
export function searchAreas(areas: AreaFeature[], query: string, lang: 'zh' | 'en', limit = 8): AreaHit[] {
  const raw = norm(query)
  const q = raw.replace(SUFFIX, '').trim()
  if (!q) return []
  const rank: Record<string, number> = { district: 0, street: 1, community: 2, grid: 3 }
  const hits: AreaHit[] = []
  for (const f of areas) {
    if (f.properties.level === 'grid') continue
    let best = Infinity
    for (const name of [f.properties.name, f.properties.name_en]) {
      if (!name) continue
      const n = norm(name)
      const bare = n.replace(SUFFIX, '').trim()
      // The name as typed beats the name without its suffix ("和平社区" is the community, not 和平街道).
      if (n === raw) best = Math.min(best, 0)
      else if (bare === q) best = Math.min(best, 1)
      else if (n.startsWith(raw) || n.startsWith(q)) best = Math.min(best, 2)
      else if (n.includes(q)) best = Math.min(best, 3)
    }
    if (best < Infinity) hits.push({ feature: f, score: best * 10 + rank[f.properties.level] })
  }
  const key = (f: AreaFeature) => (lang === 'en' ? f.properties.name_en || f.properties.name : f.properties.name)
  hits.sort((a, b) => a.score - b.score || key(a.feature).localeCompare(key(b.feature), lang === 'en' ? 'en' : 'zh-CN'))
  return hits.slice(0, limit)
}
