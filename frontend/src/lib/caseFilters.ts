// The staff case queue's filters as URL query parameters (issue 17), so a
// filtered queue is a link. Pure, for unit tests.
import type { LocationQuery } from 'vue-router'

export interface CaseFilters {
  status: string
  category: string
  district: string
  department: string
  overdue: boolean
  notice_level: string
  q: string
  from: string
  to: string
  sort: string
}

export const DEFAULT_SORT = '-filed_at'
export const EMPTY_FILTERS: CaseFilters = { status: '', category: '', district: '', department: '', overdue: false, notice_level: '', q: '', from: '', to: '', sort: DEFAULT_SORT }
const SORTS = ['filed_at', '-filed_at', 'due_at', '-due_at', 'updated_at', '-updated_at']
const TRUE = ['1', 'true', 'yes']

const one = (v: LocationQuery[string]): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).toString()

/** filtersFromQuery reads the filters from the URL; overdue=1 and overdue=true both mean "only overdue". */
export function filtersFromQuery(q: LocationQuery): CaseFilters {
  const date = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? v : '')
  const sort = one(q.sort)
  const level = one(q.notice_level)
  return {
    status: one(q.status).slice(0, 200),
    category: one(q.category).slice(0, 40),
    district: one(q.district).slice(0, 64),
    department: one(q.department).slice(0, 64),
    overdue: TRUE.includes(one(q.overdue).toLowerCase()),
    notice_level: ['0', '1', '2'].includes(level) ? level : '',
    q: one(q.q).slice(0, 100),
    from: date(one(q.from)),
    to: date(one(q.to)),
    sort: SORTS.includes(sort) ? sort : DEFAULT_SORT,
  }
}

/** filtersToQuery writes only what differs from the defaults, so links stay short. */
export function filtersToQuery(f: CaseFilters): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k of ['status', 'category', 'district', 'department', 'notice_level', 'from', 'to'] as const) if (f[k]) out[k] = f[k]
  if (f.q.trim()) out.q = f.q.trim()
  if (f.overdue) out.overdue = '1'
  if (f.sort && f.sort !== DEFAULT_SORT) out.sort = f.sort
  return out
}

/** activeFilters counts the filters that narrow the queue (sort does not). */
export function activeFilters(f: CaseFilters): number {
  const q = filtersToQuery(f)
  delete q.sort
  return Object.keys(q).length
}
