// Survey API (issue 7). Shapes follow portal/survey_http.go.
import { api, apiText, ApiError } from './client'
import type { Item } from '../lib/questionnaire'
import type { Interview, SendResult } from '../lib/queue'
import type { PlanPayload, PPSPayload, Suggestion } from '../lib/plan'

export interface Round {
  id: string
  name: string
  name_en?: string
  status: 'planned' | 'open' | 'closed'
  questionnaire_id: string
  questionnaire_version: number
  threshold: number
  starts_on: string
  ends_on: string
  previous_round_id?: string
  units: number
  target_total: number
  plan?: {
    stratum_level: string
    /** how the units were drawn: srs, pps, or manual (chosen by hand). */
    method?: 'srs' | 'pps' | 'manual'
    seed?: number
    strata: { id: string; name: string; name_en?: string; communities: number }[]
    /** inclusion: the unit's inclusion probability of a PPS draw. */
    units: { id: string; name: string; name_en?: string; stratum: string; street: string; district: string; residents: number; target: number; inclusion?: number }[]
  }
  quality?: { min_duration_sec: number; max_per_hour: number; max_gps_accuracy: number }
  version: number
}

export interface MyUnit {
  unit: string
  name: string
  name_en?: string
  stratum: string
  district: string
  target: number
  accepted: number
  submitted: number
  rejected?: number
  polygon?: GeoJSON.Geometry | null
}

interface OptionDTO {
  value: string
  label: string
  label_zh: string
  label_en?: string
}

interface ItemDTO {
  id: string
  type: string
  role?: string
  label: string
  label_zh: string
  label_en?: string
  options?: OptionDTO[]
  required: boolean
  relevant?: string
  constraint?: string
  constraint_msg?: string
  constraint_msg_en?: string
}

export interface QuestionnaireDTO {
  id: string
  version: number
  title: string
  title_en?: string
  items: ItemDTO[]
}

export interface Questionnaire {
  id: string
  version: number
  title: string
  title_en?: string
  items: Item[]
}

/** toQuestionnaire keeps both languages of every label, so switching language works offline. */
export function toQuestionnaire(d: QuestionnaireDTO): Questionnaire {
  return {
    id: d.id,
    version: d.version,
    title: d.title,
    title_en: d.title_en,
    items: d.items.map((it) => ({
      id: it.id,
      type: it.type,
      label: it.label_zh || it.label,
      label_en: it.label_en,
      required: it.required,
      relevant: it.relevant,
      constraint: it.constraint,
      constraint_message: it.constraint_msg,
      constraint_message_en: it.constraint_msg_en,
      options: it.options?.map((o) => ({ value: o.value, label: o.label_zh || o.label, label_en: o.label_en })),
    })),
  }
}

export function listRounds(): Promise<Round[]> {
  return api<{ rounds: Round[] }>('/rounds').then((r) => r.rounds ?? [])
}

export function getRound(id: string): Promise<Round> {
  return api<Round>(`/rounds/${encodeURIComponent(id)}`)
}

export function myUnits(roundId: string): Promise<MyUnit[]> {
  return api<{ units: MyUnit[] }>(`/rounds/${encodeURIComponent(roundId)}/assignments/me`).then((r) => r.units ?? [])
}

export function questionnaire(roundId: string): Promise<Questionnaire> {
  return api<QuestionnaireDTO>(`/rounds/${encodeURIComponent(roundId)}/questionnaire`).then(toQuestionnaire)
}

interface OutcomeDTO {
  client_id: string
  status: number
  outcome: 'created' | 'duplicate' | 'invalid' | 'forbidden' | 'conflict' | string
  response?: { id: string; status: string; flags?: string[] }
  error?: { code: string; message: string; fields?: Record<string, string> }
}

/** outcomeOf maps the server's per-response answer to the queue's outcome. */
export function outcomeOf(o: OutcomeDTO): SendResult {
  if (o.outcome === 'created' || o.outcome === 'duplicate' || o.status === 200 || o.status === 201) {
    return { client_id: o.client_id, outcome: 'ok', server: { outcome: o.outcome, status: o.response?.status, flags: o.response?.flags ?? [] } }
  }
  if (o.status >= 500 || o.status === 429 || o.status === 401) return { client_id: o.client_id, outcome: 'retry', reason: o.error?.message }
  const fields = o.error?.fields ? Object.entries(o.error.fields).map(([k, v]) => `${k}: ${v}`) : []
  return { client_id: o.client_id, outcome: 'rejected', reason: [o.error?.message, ...fields].filter(Boolean).join('; '), server: { outcome: o.outcome } }
}

/** sendBatch posts one round's queued interviews; network failures throw so the queue keeps them. */
export async function sendBatch(roundId: string, batch: Interview[]): Promise<SendResult[]> {
  const body = {
    responses: batch.map((iv) => {
      const r: Record<string, unknown> = { client_id: iv.client_id, unit: iv.unit, started_at: iv.started_at, ended_at: iv.ended_at, answers: iv.answers }
      if (iv.gps) r.gps = iv.gps
      return r
    }),
  }
  try {
    const res = await api<{ results: OutcomeDTO[] }>(`/rounds/${encodeURIComponent(roundId)}/responses`, { body })
    return (res.results ?? []).map(outcomeOf)
  } catch (e) {
    if (e instanceof ApiError && !e.offline && e.status >= 400 && e.status < 500 && e.status !== 401 && e.status !== 429) {
      // The whole batch was refused (round closed, not assigned ...): say why on each.
      return batch.map((iv) => ({ client_id: iv.client_id, outcome: 'rejected', reason: e.message }))
    }
    throw e
  }
}

/**
 * Estimate is one indicator (satisfaction, awareness, awareness_items)
 * overall or in one domain: ci_low, ci_high and verdict are null when no
 * interval can be computed (too few PSUs), deff when it is undefined.
 */
export interface Estimate {
  estimate: number
  se: number
  ci_low: number | null
  ci_high: number | null
  deff: number | null
  n: number
  df: number
  point_meets: boolean
  /** In an open round, the interim verdict (see interim). */
  verdict: 'meets' | 'below' | 'inconclusive' | null
  /** Open rounds: the group-sequential interval the verdict compares. */
  interim?: { look: number; looks: number; fraction: number; critical: number; ci_low: number; ci_high: number }
  /** Open rounds: further accepted interviews for a decisive verdict (null: none can give it). */
  forecast?: {
    toward: 'meets' | 'below'
    needed: number | null
    needed_if_unchanged: number | null
    assurance: number
    reachable: boolean
    remaining: number
    too_early: boolean
    early_more: number
  }
}

/** Allocation is where to send volunteers for one indicator's city-wide verdict. */
export interface Allocation {
  indicator: string
  needed: number
  /** null: no count reaches a clear verdict with interviews spread as now. */
  needed_as_now: number | null
  remaining: number
  reachable: boolean
  /** The plan spends the remaining interviews for the most precise rate, since none gives a clear verdict. */
  budget: boolean
  strata: { id: string; name: string; name_en?: string; more: number; no_data: boolean }[]
  units: { unit: string; name: string; name_en?: string; stratum: string; more: number }[]
}

export interface Progress {
  unit: string
  name: string
  name_en?: string
  stratum: string
  district: string
  target: number
  accepted: number
  submitted: number
  rejected: number
}

export interface Results {
  round_id: string
  status: string
  threshold: number
  by: 'district' | 'street' | 'none'
  /** calibration of the weights: none, poststratify or rake. */
  calibration?: string
  design: { n: number; strata: number; psus: number; df: number }
  overall: Record<string, Estimate>
  domains: { id: string; name: string; name_en?: string; rates: Record<string, Estimate> }[]
  progress: { units: Progress[]; total: Record<string, number> }
  method?: string
  reproduce?: { files: Record<string, string>; args?: string[][]; commands: string[] }
  previous?: { round_id: string; name: string; overall: Record<string, Estimate>; change: Record<string, number> }
  /** Open rounds whose city-wide verdict is not yet clear. */
  allocation?: Allocation[]
}

export function results(roundId: string, by = 'district'): Promise<Results> {
  return api<Results>(`/rounds/${encodeURIComponent(roundId)}/results`, { query: { by } })
}

export function exportResponses(roundId: string): Promise<string> {
  return apiText(`/rounds/${encodeURIComponent(roundId)}/responses.csv`)
}

export function setRoundStatus(roundId: string, to: 'open' | 'close'): Promise<Round> {
  return api<Round>(`/rounds/${encodeURIComponent(roundId)}/${to}`, { method: 'POST', body: {} })
}

export function progressOf(roundId: string): Promise<{ units: Progress[]; total: Record<string, number> }> {
  return api(`/rounds/${encodeURIComponent(roundId)}/progress`)
}

export function listAssignments(roundId: string): Promise<{ unit: string; volunteer: string }[]> {
  return api<{ assignments: { unit: string; volunteer: string }[] }>(`/rounds/${encodeURIComponent(roundId)}/assignments`).then((r) => r.assignments ?? [])
}

/** Volunteer is an enabled volunteer account, for the assignment picker. */
export interface Volunteer {
  username: string
  display_name?: string
}

export function listVolunteers(): Promise<Volunteer[]> {
  return api<{ volunteers: Volunteer[] }>('/volunteers').then((r) => r.volunteers ?? [])
}

export function addAssignments(roundId: string, list: { unit: string; volunteer: string }[]): Promise<unknown> {
  return api(`/rounds/${encodeURIComponent(roundId)}/assignments`, { body: { assignments: list } })
}

// ---- issue 9: round creation, plan building, review ----

export interface QuestionnaireSummary {
  id: string
  version: number
  title: string
  title_en?: string
}

export function listQuestionnaires(): Promise<QuestionnaireSummary[]> {
  return api<{ questionnaires: QuestionnaireSummary[] }>('/questionnaires').then((r) => (r.questionnaires ?? []).map(({ id, version, title, title_en }) => ({ id, version, title, title_en })))
}

export function createRound(body: Record<string, unknown>): Promise<Round> {
  return api<Round>('/rounds', { body })
}

export function setPlan(roundId: string, plan: PlanPayload | PPSPayload): Promise<Round> {
  return api<Round>(`/rounds/${encodeURIComponent(roundId)}/plan`, { method: 'PUT', body: plan })
}

export function suggestTargets(roundId: string, halfWidth?: number): Promise<Suggestion> {
  return api<Suggestion>(`/rounds/${encodeURIComponent(roundId)}/plan/suggestion`, { query: { half_width: halfWidth } })
}

export interface SurveyResponse {
  id: string
  client_id: string
  status: 'submitted' | 'accepted' | 'rejected'
  unit: string
  stratum: string
  district: string
  volunteer: string
  started_at: string
  ended_at: string
  duration_sec: number
  flags: string[]
  reason?: string
  reviewed_by?: string
  reviewed_at?: string
  received_at: string
  version: number
  /** Only in the detail (GET /rounds/:id/responses/:rid). */
  gps?: { lat: number; lon: number; accuracy: number }
  answers?: Record<string, string>
}

/** getResponse reads one interview with its answers and GPS fix (the review screen). */
export function getResponse(roundId: string, id: string): Promise<SurveyResponse> {
  return api<SurveyResponse>(`/rounds/${encodeURIComponent(roundId)}/responses/${seg(id)}`).then((x) => ({ ...x, flags: x.flags ?? [] }))
}

export function listResponses(roundId: string, query: Record<string, string>, after = ''): Promise<{ responses: SurveyResponse[]; next_after: string }> {
  return api<{ responses: SurveyResponse[]; next_after: string }>(`/rounds/${encodeURIComponent(roundId)}/responses`, {
    query: { ...query, after, limit: 200 },
  }).then((r) => ({ responses: (r.responses ?? []).map((x) => ({ ...x, flags: x.flags ?? [] })), next_after: r.next_after ?? '' }))
}

/** seg encodes one path segment but keeps ':' (response ids are "round:uuid"; the server matches the raw path). */
export function seg(s: string): string {
  return encodeURIComponent(s).replace(/%3A/gi, ':')
}

export function reviewResponse(roundId: string, id: string, decision: 'accept' | 'reject', reason: string, version?: number): Promise<SurveyResponse> {
  return api<SurveyResponse>(`/rounds/${encodeURIComponent(roundId)}/responses/${seg(id)}/review`, { body: { decision, reason, version } })
}

export function bulkReview(roundId: string, ids: string[], decision: 'accept' | 'reject', reason: string): Promise<{ id: string; status: number; error?: { message: string } }[]> {
  return api<{ results: { id: string; status: number; error?: { message: string } }[] }>(`/rounds/${encodeURIComponent(roundId)}/reviews`, {
    body: { ids, decision, reason },
  }).then((r) => r.results ?? [])
}
