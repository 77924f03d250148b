import { describe, expect, it } from 'vitest'
import {
  applySuggestion,
  buildPlanPayload,
  flagCounts,
  groupStrata,
  matchesFilter,
  parseQuestionnaire,
  roundPayload,
  serverQuery,
  stratumCounts,
  summarizeBulk,
  unitFieldErrors,
  validatePlan,
  validateRoundForm,
  type RoundForm,
} from '../src/lib/plan'
import { seg } from '../src/api/survey'

const districts = [
  { id: 'd2', name: '南区' },
  { id: 'd1', name: '北区', name_en: 'North' },
  { id: 'd3', name: '空区' },
]
const communities = [
  { id: 'c3', name: 'C3', district: 'd1', residents: 300 },
  { id: 'c1', name: 'C1', district: 'd1', residents: 100 },
  { id: 'c2', name: 'C2', district: 'd1', residents: 200 },
  { id: 'c4', name: 'C4', district: 'd2', residents: 400 },
  { id: 'c5', name: 'C5', district: 'dx', residents: 0 },
]

describe('groupStrata', () => {
  it('groups communities by district, sorted, dropping empty districts', () => {
    const s = groupStrata(districts, communities)
    expect(s.map((x) => x.id)).toEqual(['d1', 'd2', 'dx'])
    expect(s[0].communities.map((c) => c.id)).toEqual(['c1', 'c2', 'c3'])
    expect(s[0].residents).toBe(600)
    expect(s[0].name_en).toBe('North')
  })
})

describe('stratumCounts', () => {
  it('counts sampled communities, their residents and targets per stratum', () => {
    const s = groupStrata(districts, communities)
    const c = stratumCounts(s, new Map([['c1', 10], ['c3', 20], ['c4', 5]]))
    expect(c).toEqual([
      { id: 'd1', communities: 3, sampled: 2, residents: 400, target: 30 },
      { id: 'd2', communities: 1, sampled: 1, residents: 400, target: 5 },
      { id: 'dx', communities: 1, sampled: 0, residents: 0, target: 0 },
    ])
  })
})

describe('buildPlanPayload', () => {
  it('sorts units by id, rounds targets and stratifies by district', () => {
    const p = buildPlanPayload(new Map([['c3', 20.4], ['c1', 10], ['c2', Number.NaN]]), 30)
    expect(p).toEqual({
      stratum_level: 'district',
      target_per_unit: 30,
      units: [{ id: 'c1', target: 10 }, { id: 'c2', target: 0 }, { id: 'c3', target: 20 }],
    })
  })
  it('keeps a default target of at least 1', () => {
    expect(buildPlanPayload(new Map(), 0).target_per_unit).toBe(1)
  })
  it('maps the server per-unit field errors back to community ids', () => {
    const p = buildPlanPayload(new Map([['c3', 1], ['c1', 1]]), 1)
    expect(unitFieldErrors(p, { 'units.1.id': 'no such community', 'units.9.target': 'x', units: 'y' })).toEqual({ c3: 'no such community' })
  })
})

describe('validatePlan', () => {
  it('needs a unit and whole targets in range', () => {
    expect(validatePlan(new Map())).toEqual({ units: 'plan.errors.noUnits' })
    expect(validatePlan(new Map([['a', 0], ['b', 2.5], ['c', 10001], ['d', 12]]))).toEqual({
      'unit.a': 'plan.errors.target',
      'unit.b': 'plan.errors.target',
      'unit.c': 'plan.errors.target',
    })
  })
})

describe('applySuggestion', () => {
  it('sets the suggested per-unit target of each stratum on its sampled communities only', () => {
    const s = groupStrata(districts, communities)
    const out = applySuggestion(s, new Map([['c1', 10], ['c4', 5]]), {
      round_id: 'r',
      expected_rate: 0.9,
      deff: 1.5,
      half_width: 0.03,
      total: 100,
      strata: [{ stratum: 'd1', interviews: 60, units: 1, target_per_unit: 60 }, { stratum: 'd2', interviews: 0, units: 1, target_per_unit: 0 }],
    })
    expect([...out.entries()].sort()).toEqual([['c1', 60], ['c4', 5]])
  })
})

describe('round form', () => {
  const ok: RoundForm = { name: ' 2026 Q3 ', name_en: '', starts_on: '2026-07-01', ends_on: '2026-07-31', questionnaire: 'q-std@2', threshold: 0.9, previous_round_id: '' }
  it('accepts a complete form and builds the request body', () => {
    expect(validateRoundForm(ok)).toEqual({})
    expect(roundPayload(ok)).toEqual({ name: '2026 Q3', questionnaire_id: 'q-std', questionnaire_version: 2, threshold: 0.9, starts_on: '2026-07-01', ends_on: '2026-07-31' })
    expect(roundPayload({ ...ok, name_en: 'Q3', previous_round_id: 'r1' })).toMatchObject({ name_en: 'Q3', previous_round_id: 'r1' })
  })
  it('names each problem field', () => {
    expect(validateRoundForm({ ...ok, name: ' ', ends_on: '2026-06-30', questionnaire: '', threshold: 1.5 })).toEqual({
      name: 'plan.errors.required',
      ends_on: 'plan.errors.endBeforeStart',
      questionnaire_id: 'plan.errors.required',
      threshold: 'plan.errors.threshold',
    })
    expect(validateRoundForm({ ...ok, starts_on: '', threshold: '' })).toMatchObject({ starts_on: 'plan.errors.date', threshold: 'plan.errors.threshold' })
  })
  it('parses questionnaire id@version', () => {
    expect(parseQuestionnaire('a@b@3')).toEqual({ id: 'a@b', version: 3 })
    expect(parseQuestionnaire('a@0')).toBeNull()
    expect(parseQuestionnaire('@1')).toBeNull()
  })
})

describe('review helpers', () => {
  const list = [
    { id: '1', status: 'submitted', unit: 'c1', flags: ['too_short'] },
    { id: '2', status: 'submitted', unit: 'c2', flags: [] },
    { id: '3', status: 'accepted', unit: 'c1', flags: ['too_short', 'outside_unit'] },
  ]
  it('filters by status, flag and unit', () => {
    const ids = (f: Parameters<typeof matchesFilter>[1]) => list.filter((r) => matchesFilter(r, f)).map((r) => r.id)
    expect(ids({ status: '', flag: '', unit: '' })).toEqual(['1', '2', '3'])
    expect(ids({ status: 'submitted', flag: '', unit: '' })).toEqual(['1', '2'])
    expect(ids({ status: '', flag: 'any', unit: '' })).toEqual(['1', '3'])
    expect(ids({ status: '', flag: 'none', unit: '' })).toEqual(['2'])
    expect(ids({ status: '', flag: 'outside_unit', unit: '' })).toEqual(['3'])
    expect(ids({ status: '', flag: 'too_short', unit: 'c1' })).toEqual(['1', '3'])
  })
  it('sends what the server can filter', () => {
    expect(serverQuery({ status: 'submitted', flag: 'straight_lining', unit: 'c1' })).toEqual({ status: 'submitted', flagged: 'true', unit: 'c1' })
    expect(serverQuery({ status: '', flag: 'none', unit: '' })).toEqual({ flagged: 'false' })
    expect(serverQuery({ status: '', flag: '', unit: '' })).toEqual({})
  })
  it('counts flags and splits bulk answers', () => {
    expect(flagCounts(list)).toEqual({ too_short: 2, outside_unit: 1 })
    expect(summarizeBulk([{ id: 'a', status: 200 }, { id: 'b', status: 409, error: { message: 'changed' } }, { id: 'c', status: 403 }])).toEqual({
      ok: ['a'],
      failed: [{ id: 'b', message: 'changed' }, { id: 'c', message: 'HTTP 403' }],
    })
  })
})

describe('seg', () => {
  it('keeps the colon of response ids and encodes the rest', () => {
    expect(seg('demo-2025-autumn:0000000d-0000')).toBe('demo-2025-autumn:0000000d-0000')
    expect(seg('a/b c')).toBe('a%2Fb%20c')
  })
})
