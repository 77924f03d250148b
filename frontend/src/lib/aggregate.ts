// Small aggregations over case lists for the officials' boards.
import type { Complaint } from '../api/complaints'
import { categoryCode } from '../api/complaints'

export interface BoardRow {
  department: string
  level0: number
  level1: number
  level2: number
  published: number
  total: number
}

/** overdueBoard counts open overdue cases by department and supervision level (published ones counted apart). */
export function overdueBoard(cases: Complaint[]): BoardRow[] {
  const rows = new Map<string, BoardRow>()
  for (const c of cases) {
    if (!c.overdue) continue
    const dept = typeof c.department === 'object' && c.department ? c.department.id : (c.department ?? '')
    const r = rows.get(dept) ?? { department: dept, level0: 0, level1: 0, level2: 0, published: 0, total: 0 }
    if (c.published) r.published++
    else if ((c.notice_level ?? 0) >= 2) r.level2++
    else if (c.notice_level === 1) r.level1++
    else r.level0++
    r.total++
    rows.set(dept, r)
  }
  return [...rows.values()].sort((a, b) => b.level2 * 2 + b.level1 + b.published * 3 - (a.level2 * 2 + a.level1 + a.published * 3) || b.total - a.total || a.department.localeCompare(b.department))
}

/** countBy counts cases by a key. */
export function countBy(cases: Complaint[], key: (c: Complaint) => string | undefined): Map<string, number> {
  const m = new Map<string, number>()
  for (const c of cases) {
    const k = key(c)
    if (!k) continue
    m.set(k, (m.get(k) ?? 0) + 1)
  }
  return m
}

/** weekStart is the Monday (UTC) of an ISO time's week, as YYYY-MM-DD. */
export function weekStart(iso: string): string {
  const d = new Date(iso)
  const day = (d.getUTCDay() + 6) % 7
  d.setUTCDate(d.getUTCDate() - day)
  return d.toISOString().slice(0, 10)
}

/** weekly counts filed and closed cases per week, oldest first. */
export function weekly(cases: Complaint[]): { week: string; filed: number; closed: number }[] {
  const m = new Map<string, { week: string; filed: number; closed: number }>()
  const get = (w: string) => m.get(w) ?? m.set(w, { week: w, filed: 0, closed: 0 }).get(w)!
  for (const c of cases) {
    if (c.filed_at) get(weekStart(c.filed_at)).filed++
    if (c.closed_at) get(weekStart(c.closed_at)).closed++
    else if (c.status === 'closed' && c.updated_at) get(weekStart(c.updated_at)).closed++
  }
  return [...m.values()].sort((a, b) => a.week.localeCompare(b.week))
}

export const byCategory = (cases: Complaint[]) => countBy(cases, (c) => categoryCode(c.category))
export const byDistrict = (cases: Complaint[]) => countBy(cases, (c) => c.district_id)
export const byCommunity = (cases: Complaint[]) => countBy(cases, (c) => c.community_id)
