// Sampling-plan building and response review helpers (issue 9): pure
// functions so the official pages stay thin and the logic is unit-tested.

/** Community is what the plan builder needs of one community area. */
export interface Community {
  id: string
  name: string
  name_en?: string
  district: string
  residents: number
  /** street id, for the per-street grouping of the plan builder */
  street?: string
}

export interface District {
  id: string
  name: string
  name_en?: string
}

/** Stratum groups a district's communities for the plan builder. */
export interface Stratum {
  id: string
  name: string
  name_en?: string
  /** communities is every community of the district (the stratum's frame size). */
  communities: Community[]
  residents: number
}

/** groupStrata puts each community under its district (strata = districts), ordered by district then community id. */
export function groupStrata(districts: District[], communities: Community[]): Stratum[] {
  const byId = new Map<string, Stratum>()
  for (const d of districts) byId.set(d.id, { id: d.id, name: d.name, name_en: d.name_en, communities: [], residents: 0 })
  for (const c of communities) {
    let st = byId.get(c.district)
    if (!st) {
      // A community whose district is unknown still gets a stratum of its own id.
      st = { id: c.district || '?', name: c.district || '?', communities: [], residents: 0 }
      byId.set(st.id, st)
    }
    st.communities.push(c)
    st.residents += c.residents || 0
  }
  const out = [...byId.values()].filter((s) => s.communities.length > 0)
  for (const s of out) s.communities.sort((a, b) => a.id.localeCompare(b.id))
  return out.sort((a, b) => a.id.localeCompare(b.id))
}

export interface StratumCount {
  id: string
  /** total communities in the stratum */
  communities: number
  /** sampled communities */
  sampled: number
  /** residents of the sampled communities */
  residents: number
  /** sum of the sampled communities' targets */
  target: number
}

/** stratumCounts counts, per stratum, the sampled communities, their residents and targets. */
export function stratumCounts(strata: Stratum[], targets: Map<string, number>): StratumCount[] {
  return strata.map((s) => {
    let sampled = 0
    let residents = 0
    let target = 0
    for (const c of s.communities) {
      if (!targets.has(c.id)) continue
      sampled++
      residents += c.residents || 0
      target += targets.get(c.id) ?? 0
    }
    return { id: s.id, communities: s.communities.length, sampled, residents, target }
  })
}

export interface PlanPayload {
  stratum_level: 'district'
  target_per_unit: number
  units: { id: string; target: number }[]
}

/** buildPlanPayload turns the selection (community id -> target) into the PUT /rounds/:id/plan body. */
export function buildPlanPayload(targets: Map<string, number>, defaultTarget: number): PlanPayload {
  const units = [...targets.entries()]
    .map(([id, t]) => ({ id, target: Number.isFinite(t) && t > 0 ? Math.round(t) : 0 }))
    .sort((a, b) => a.id.localeCompare(b.id))
  return { stratum_level: 'district', target_per_unit: Math.max(1, Math.round(defaultTarget) || 1), units }
}

/** validatePlan names what keeps a selection from being a usable plan (client-side, before the server's check). */
export function validatePlan(targets: Map<string, number>): Record<string, string> {
  const errs: Record<string, string> = {}
  if (targets.size === 0) errs.units = 'plan.errors.noUnits'
  for (const [id, t] of targets) {
    if (!Number.isInteger(t) || t < 1 || t > 10000) errs[`unit.${id}`] = 'plan.errors.target'
  }
  return errs
}

/** unitFieldErrors maps the server's per-unit field errors ("units.3.target") back to community ids of the payload. */
export function unitFieldErrors(payload: PlanPayload, fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(fields)) {
    const m = /^units\.(\d+)\.(id|target)$/.exec(k)
    const u = m ? payload.units[Number(m[1])] : undefined
    if (u) out[u.id] = v
  }
  return out
}

/** StreetGroup is one street's communities within a stratum, for select-all per street. */
export interface StreetGroup {
  id: string
  name: string
  name_en?: string
  communities: Community[]
}

/** groupStreets splits a stratum's communities by street (in street id order), keeping those that match the search. */
export function groupStreets(s: Stratum, streets: Map<string, { name: string; name_en?: string }>, search = ''): StreetGroup[] {
  const q = search.trim().toLowerCase()
  const by = new Map<string, StreetGroup>()
  for (const c of s.communities) {
    if (q && !c.name.toLowerCase().includes(q) && !(c.name_en ?? '').toLowerCase().includes(q) && !c.id.toLowerCase().includes(q)) continue
    const id = c.street ?? ''
    let g = by.get(id)
    if (!g) {
      const st = streets.get(id)
      g = { id, name: st?.name ?? id, name_en: st?.name_en, communities: [] }
      by.set(id, g)
    }
    g.communities.push(c)
  }
  return [...by.values()].sort((a, b) => a.id.localeCompare(b.id))
}

/** PPSPayload asks the server to draw the plan: n communities per stratum with probability proportional to residents. */
export interface PPSPayload {
  stratum_level: 'district'
  method: 'pps'
  units_per_stratum: number
  target_per_unit: number
  seed: number
}

export function ppsPayload(n: number, target: number, seed: number): PPSPayload {
  return { stratum_level: 'district', method: 'pps', units_per_stratum: Math.round(n), target_per_unit: Math.round(target), seed: Math.round(seed) }
}

/** validatePPS checks the draw form; values are i18n keys. */
export function validatePPS(n: number, target: number, seed: number): Record<string, string> {
  const e: Record<string, string> = {}
  if (!Number.isInteger(n) || n < 1 || n > 1000) e.units_per_stratum = 'plan.errors.perStratum'
  if (!Number.isInteger(target) || target < 1 || target > 10000) e.target_per_unit = 'plan.errors.target'
  if (!Number.isInteger(seed) || seed < 1 || seed > Number.MAX_SAFE_INTEGER) e.seed = 'plan.errors.seed'
  return e
}

/**
 * residentsPerInterview is what one interview stands for in a unit drawn
 * with inclusion probability pi and target interviews: (1/pi) x residents /
 * target, the design weight at full response.
 */
export function residentsPerInterview(residents: number, inclusion: number, target: number): number | null {
  if (!(inclusion > 0) || !(target > 0)) return null
  return residents / inclusion / target
}

/** newSeed is a random seed for a draw, small enough to read out and type back. */
export function newSeed(): number {
  return 100000 + Math.floor(Math.random() * 900000)
}

export interface Suggestion {
  round_id: string
  based_on?: string
  expected_rate: number
  deff: number
  half_width: number
  total: number
  strata: { stratum: string; interviews: number; units: number; target_per_unit: number }[]
}

/** applySuggestion gives each sampled community its stratum's suggested target per unit; others keep theirs. */
export function applySuggestion(strata: Stratum[], targets: Map<string, number>, sg: Suggestion): Map<string, number> {
  const per = new Map(sg.strata.map((s) => [s.stratum, s.target_per_unit]))
  const out = new Map(targets)
  for (const s of strata) {
    const t = per.get(s.id)
    if (t === undefined || t < 1) continue
    for (const c of s.communities) if (out.has(c.id)) out.set(c.id, t)
  }
  return out
}

export interface RoundForm {
  name: string
  name_en: string
  starts_on: string
  ends_on: string
  questionnaire: string // "id@version"
  threshold: number | string
  previous_round_id: string
}

/** validateRoundForm checks the create-round form; values are i18n keys. */
export function validateRoundForm(f: RoundForm): Record<string, string> {
  const e: Record<string, string> = {}
  const date = /^\d{4}-\d{2}-\d{2}$/
  if (!f.name.trim()) e.name = 'plan.errors.required'
  if (!date.test(f.starts_on)) e.starts_on = 'plan.errors.date'
  if (!date.test(f.ends_on)) e.ends_on = 'plan.errors.date'
  else if (date.test(f.starts_on) && f.ends_on < f.starts_on) e.ends_on = 'plan.errors.endBeforeStart'
  if (!parseQuestionnaire(f.questionnaire)) e.questionnaire_id = 'plan.errors.required'
  const th = Number(f.threshold)
  if (f.threshold === '' || !Number.isFinite(th) || th <= 0 || th > 1) e.threshold = 'plan.errors.threshold'
  return e
}

export function parseQuestionnaire(v: string): { id: string; version: number } | null {
  const i = v.lastIndexOf('@')
  if (i <= 0) return null
  const version = Number(v.slice(i + 1))
  if (!Number.isInteger(version) || version < 1) return null
  return { id: v.slice(0, i), version }
}

/** roundPayload is the POST /rounds body of a valid form. */
export function roundPayload(f: RoundForm) {
  const q = parseQuestionnaire(f.questionnaire)!
  const body: Record<string, unknown> = {
    name: f.name.trim(),
    questionnaire_id: q.id,
    questionnaire_version: q.version,
    threshold: Number(f.threshold),
    starts_on: f.starts_on,
    ends_on: f.ends_on,
  }
  if (f.name_en.trim()) body.name_en = f.name_en.trim()
  if (f.previous_round_id) body.previous_round_id = f.previous_round_id
  return body
}

// ---- review ----

export const FLAGS = ['too_short', 'outside_unit', 'straight_lining', 'too_many_per_hour', 'duplicate_answers'] as const

export interface ReviewFilter {
  status: '' | 'submitted' | 'accepted' | 'rejected'
  flag: '' | 'any' | 'none' | (typeof FLAGS)[number]
  unit: string
}

/** matchesFilter applies the review screen's filters to one response. */
export function matchesFilter(r: { status: string; flags: string[]; unit: string }, f: ReviewFilter): boolean {
  if (f.status && r.status !== f.status) return false
  if (f.unit && r.unit !== f.unit) return false
  const flags = r.flags ?? []
  if (f.flag === 'any' && flags.length === 0) return false
  if (f.flag === 'none' && flags.length > 0) return false
  if (f.flag && f.flag !== 'any' && f.flag !== 'none' && !flags.includes(f.flag)) return false
  return true
}

/** serverQuery turns the filter into the list endpoint's query (flag detail is filtered on the client). */
export function serverQuery(f: ReviewFilter): Record<string, string> {
  const q: Record<string, string> = {}
  if (f.status) q.status = f.status
  if (f.unit) q.unit = f.unit
  if (f.flag === 'none') q.flagged = 'false'
  else if (f.flag) q.flagged = 'true'
  return q
}

/** flagCounts counts each quality flag over a list of responses. */
export function flagCounts(list: { flags: string[] }[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const r of list) for (const f of r.flags ?? []) out[f] = (out[f] ?? 0) + 1
  return out
}

/** summarizeBulk splits a bulk review answer into decided ids and failures. */
export function summarizeBulk(results: { id: string; status: number; error?: { message: string } }[]) {
  const ok: string[] = []
  const failed: { id: string; message: string }[] = []
  for (const r of results) {
    if (r.status >= 200 && r.status < 300) ok.push(r.id)
    else failed.push({ id: r.id, message: r.error?.message ?? `HTTP ${r.status}` })
  }
  return { ok, failed }
}
