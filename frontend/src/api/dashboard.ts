// Dashboard summaries (issue 8): portal/dashboard_http.go.
import { api, ApiError } from './client'

export interface DashRow {
  id: string
  name: string
  filed: number
  resolved: number
  closed: number
}
export interface DashRate {
  num: number
  den: number
  rate: number | null
}
export interface DashOverdue {
  id?: string
  name?: string
  level0: number
  level1: number
  level2: number
  published: number
  total: number
}
export interface DashComplaints {
  period: { from: string; to: string }
  totals: { filed: number; by_status: Record<string, number> }
  filed_per_week: { date: string; count: number }[]
  by_category: DashRow[]
  by_district: DashRow[]
  by_department: DashRow[]
  on_time: DashRate
  time_to_close: { closed: number; mean_hours: number | null; median_hours: number | null; p90_hours: number | null }
  overdue: { total: DashOverdue; by_department: DashOverdue[] }
  rating: { count: number; mean: number | null; share_4_5: number | null }
  top_grids: DashRow[]
  method?: string
}
export interface DashLeagueRow {
  rank: number | null
  id: string
  name: string
  volume: number
  resolved: number
  on_time: DashRate
  notices: { level1: number; level2: number; penalty: number }
  rating: { count: number; mean: number | null }
}

/** summaryOrNull answers null when this portal does not serve the dashboard summaries. */
async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null
    throw e
  }
}

export function dashComplaints(query: Record<string, string | undefined> = {}): Promise<DashComplaints | null> {
  return orNull(api<DashComplaints>('/dashboard/complaints', { query }))
}

export function dashDepartments(query: Record<string, string | undefined> = {}): Promise<DashLeagueRow[] | null> {
  return orNull(api<{ departments: DashLeagueRow[] }>('/dashboard/departments', { query }).then((r) => r.departments ?? []))
}

export interface DashEstimate {
  estimate: number
  se: number
  ci_low: number | null
  ci_high: number | null
  deff?: number | null
  n: number
  verdict: 'meets' | 'below' | 'inconclusive' | null
}

/** Complaints filed in a period per district, and per 10,000 adult residents (null when the district has no resident count). */
export interface DashComplaintRate {
  residents: number
  complaints: number
  per_10k: number | null
}

export interface DashSatisfactionRound {
  id: string
  name: string
  name_en?: string
  status: string
  starts_on: string
  ends_on: string
  threshold: number
  /** Absent when the round has no estimate yet (see note) or the answer is filtered to one district. */
  overall?: Record<string, DashEstimate> | null
  districts: { id: string; name: string; name_en?: string; rates?: Record<string, DashEstimate> | null; complaints?: DashComplaintRate | null }[]
  /** Why a round has no estimates yet (being computed, or no accepted responses). */
  note?: string
}

export interface DashSatisfaction {
  period?: { from: string; to: string }
  /** Survey rounds that are open or closed, oldest first. */
  rounds: DashSatisfactionRound[]
  /** Complaints over the whole period (period.from to period.to) by district. */
  complaints_by_district?: ({ id: string; name: string } & DashComplaintRate)[] | null
  method?: string
}

export function dashSatisfaction(): Promise<DashSatisfaction | null> {
  return orNull(api<DashSatisfaction>('/dashboard/satisfaction'))
}
