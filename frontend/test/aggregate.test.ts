import { describe, expect, it } from 'vitest'
import { overdueBoard, weekly, byCategory, weekStart } from '../src/lib/aggregate'
import type { Complaint } from '../src/api/complaints'

const c = (p: Partial<Complaint>): Complaint => ({ id: Math.random().toString(36).slice(2), category: 'garbage', status: 'accepted', ...p })

describe('aggregations', () => {
  it('builds the overdue board by department and level', () => {
    const rows = overdueBoard([
      c({ department: 'sanitation', overdue: true }),
      c({ department: 'sanitation', overdue: true, notice_level: 1 }),
      c({ department: 'sanitation', overdue: true, notice_level: 2 }),
      c({ department: 'market', overdue: true, notice_level: 2, published: true }),
      c({ department: 'market', overdue: false, notice_level: 1 }),
    ])
    // Weighted alike (level 2 counts double, published triple): more cases first.
    expect(rows).toEqual([
      { department: 'sanitation', level0: 1, level1: 1, level2: 1, published: 0, total: 3 },
      { department: 'market', level0: 0, level1: 0, level2: 0, published: 1, total: 1 },
    ])
  })
  it('counts weeks from Monday', () => {
    expect(weekStart('2026-03-04T10:00:00Z')).toBe('2026-03-02')
    expect(weekStart('2026-03-02T00:00:00Z')).toBe('2026-03-02')
    expect(weekStart('2026-03-08T23:59:00Z')).toBe('2026-03-02')
  })
  it('counts filed and closed per week', () => {
    expect(weekly([c({ filed_at: '2026-03-03T01:00:00Z', closed_at: '2026-03-10T01:00:00Z' }), c({ filed_at: '2026-03-09T01:00:00Z' })])).toEqual([
      { week: '2026-03-02', filed: 1, closed: 0 },
      { week: '2026-03-09', filed: 1, closed: 1 },
    ])
  })
  it('counts by category code whether the category is a code or an object', () => {
    expect([...byCategory([c({ category: 'pests' }), c({ category: { code: 'pests', name: '', name_en: '' } })])]).toEqual([['pests', 2]])
  })
})
