import { describe, expect, it } from 'vitest'
import { clusterByCell, labelLevel, searchAreas, LABEL_MIN_PX } from '../src/lib/mapping'
import type { AreaFeature } from '../src/api/areas'

const area = (id: string, level: AreaFeature['properties']['level'], name: string, name_en: string, parent_id?: string): AreaFeature => ({
  type: 'Feature',
  id,
  properties: { id, level, name, name_en, parent_id },
  geometry: null,
})
const areas = [
  area('D01', 'district', '清源区', 'Qingyuan District'),
  area('D01-S01', 'street', '解放路街道', 'Jiefang Road Subdistrict', 'D01'),
  area('D01-S02', 'street', '和平街道', 'Heping Subdistrict', 'D01'),
  area('D01-S01-C01', 'community', '和平社区', 'Heping Community', 'D01-S01'),
  area('D01-S01-C02', 'community', '新和平社区', 'New Heping Community', 'D01-S01'),
  area('D01-S01-C01-G1', 'grid', '和平社区第1网格', 'Heping grid 1', 'D01-S01-C01'),
]

describe('clusterByCell', () => {
  it('groups points in the same screen cell and keeps lone points alone', () => {
    const pts = [
      { id: 'a', x: 5, y: 5 },
      { id: 'b', x: 40, y: 30 },
      { id: 'c', x: 50, y: 5 },
      { id: 'd', x: 300, y: 300 },
    ]
    const groups = clusterByCell(pts, (p) => p, 48)
    expect(groups.map((g) => g.items.map((p) => p.id))).toEqual([['a', 'b'], ['c'], ['d']])
  })

  it('splits a group when zoomed in (points further apart on screen)', () => {
    const pts = [
      { x: 10, y: 10 },
      { x: 20, y: 20 },
    ]
    expect(clusterByCell(pts, (p) => p, 48)).toHaveLength(1)
    expect(clusterByCell(pts, (p) => ({ x: p.x * 4, y: p.y * 4 }), 48)).toHaveLength(2)
  })
})

describe('labelLevel', () => {
  it('labels the finest level whose areas are wide enough on screen', () => {
    const levels = ['district', 'street', 'community'] as const
    expect(labelLevel([...levels], { district: [200, 220], street: [70, 80, 90], community: [20, 30] })).toBe('district')
    expect(labelLevel([...levels], { district: [600, 640], street: [LABEL_MIN_PX, 200, 240], community: [40, 60, 50] })).toBe('street')
    expect(labelLevel([...levels], { district: [2000], street: [700], community: [120, 140, 90] })).toBe('community')
    expect(labelLevel([...levels], { district: [40] })).toBeNull()
  })

  it('only labels levels the map draws', () => {
    expect(labelLevel(['district'], { district: [300], community: [300] })).toBe('district')
  })
})

describe('searchAreas', () => {
  it('finds by part of the Chinese name, exact names first, coarser levels before finer', () => {
    const hits = searchAreas(areas, '和平', 'zh').map((h) => h.feature.id)
    expect(hits).toEqual(['D01-S02', 'D01-S01-C01', 'D01-S01-C02'])
  })

  it('ignores the generic suffix and case, and matches English names', () => {
    expect(searchAreas(areas, '解放路', 'zh')[0].feature.id).toBe('D01-S01')
    expect(searchAreas(areas, '和平社区', 'zh')[0].feature.id).toBe('D01-S01-C01')
    expect(searchAreas(areas, 'heping community', 'en')[0].feature.id).toBe('D01-S01-C01')
    expect(searchAreas(areas, 'JIEFANG', 'en')[0].feature.id).toBe('D01-S01')
  })

  it('leaves out grids, blank queries and non-matches', () => {
    expect(searchAreas(areas, '网格', 'zh')).toEqual([])
    expect(searchAreas(areas, '  ', 'zh')).toEqual([])
    expect(searchAreas(areas, '人民公园', 'zh')).toEqual([])
  })
})
