// Issue 17, Official 6: case queue filters in the URL, and the plan
// builder's street groups and PPS draw helpers.
import { describe, expect, it } from 'vitest'
import { activeFilters, filtersFromQuery, filtersToQuery, EMPTY_FILTERS } from '../src/lib/caseFilters'
import { groupStreets, ppsPayload, residentsPerInterview, validatePPS, type Stratum } from '../src/lib/plan'

describe('case queue filters in the URL', () => {
  it('honours ?overdue=1 as well as ?overdue=true, and ignores junk', () => {
    expect(filtersFromQuery({ overdue: '1' }).overdue).toBe(true)
    expect(filtersFromQuery({ overdue: 'true' }).overdue).toBe(true)
    expect(filtersFromQuery({ overdue: '0' }).overdue).toBe(false)
    const f = filtersFromQuery({ notice_level: '7', from: '2026-13', sort: 'drop table', q: 'x'.repeat(300) })
    expect(f).toMatchObject({ notice_level: '', from: '', sort: '-filed_at' })
    expect(f.q).toHaveLength(100)
  })

  it('round-trips and writes only what narrows the queue', () => {
    const f = { ...EMPTY_FILTERS, status: 'accepted', overdue: true, district: 'D02', q: '  垃圾 ' }
    const q = filtersToQuery(f)
    expect(q).toEqual({ status: 'accepted', district: 'D02', q: '垃圾', overdue: '1' })
    expect(filtersFromQuery(q)).toEqual({ ...f, q: '垃圾' })
    expect(filtersToQuery(EMPTY_FILTERS)).toEqual({})
    expect(activeFilters({ ...EMPTY_FILTERS, sort: 'due_at' })).toBe(0)
    expect(activeFilters(f)).toBe(4)
  })
})

describe('plan builder', () => {
  const st: Stratum = {
    id: 'D01',
    name: '清源区',
    residents: 0,
    communities: [
      { id: 'C3', name: '绿荫社区', district: 'D01', street: 'S2', residents: 3000 },
      { id: 'C1', name: '春华社区', name_en: 'Chunhua', district: 'D01', street: 'S1', residents: 4000 },
      { id: 'C2', name: '长青社区', district: 'D01', street: 'S1', residents: 5000 },
    ],
  }
  const streets = new Map([
    ['S1', { name: '文昌街道' }],
    ['S2', { name: '河西街道' }],
  ])

  it('groups a stratum by street and filters by name', () => {
    expect(groupStreets(st, streets).map((g) => [g.name, g.communities.map((c) => c.id)])).toEqual([
      ['文昌街道', ['C1', 'C2']],
      ['河西街道', ['C3']],
    ])
    expect(groupStreets(st, streets, 'chun').map((g) => g.communities.map((c) => c.id))).toEqual([['C1']])
    expect(groupStreets(st, streets, '没有')).toEqual([])
  })

  it('builds the PPS draw request and what one interview stands for', () => {
    expect(ppsPayload(3, 30, 123456)).toEqual({ stratum_level: 'district', method: 'pps', units_per_stratum: 3, target_per_unit: 30, seed: 123456 })
    expect(validatePPS(0, 30, 1)).toHaveProperty('units_per_stratum')
    expect(validatePPS(3, 30, 0)).toHaveProperty('seed')
    expect(validatePPS(3, 30, 42)).toEqual({})
    // 4000 residents drawn with probability 0.25, 40 interviews: 400 residents each.
    expect(residentsPerInterview(4000, 0.25, 40)).toBe(400)
    expect(residentsPerInterview(4000, 0, 40)).toBeNull()
  })
})
