// Excel-friendly exports (issue 17, Official 5) and the chart options that
// used to mislead (Official 2).
import { describe, expect, it } from 'vitest'
import { parseCsv, toExcelCsv, responseColumns, caseColumns } from '../src/lib/excel'
import { rateChart, trendChart } from '../src/lib/charts'
import { heat, heatSteps } from '../src/lib/heat'
import { i18n } from '../src/i18n'

const t = (k: string) => i18n.global.t(k)

describe('excel export', () => {
  it('parses quoted fields, doubled quotes and CRLF', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n3,\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['3', ''],
    ])
  })

  it('adds a UTF-8 BOM, Chinese headers and names, and leaves the analysis CSV alone', () => {
    i18n.global.locale.value = 'zh-CN'
    const analysis = 'stratum,psu,weight,satisfied,aware,sex,age_sex,response_id\nD01,D01-S01-C01,12.5,1,0,F,45-59|F,r:1\n'
    const names = new Map([
      ['D01', '清源区'],
      ['D01-S01-C01', '春华社区'],
    ])
    const out = toExcelCsv(analysis, responseColumns(t, (id) => names.get(id) ?? id))
    expect(out.charCodeAt(0)).toBe(0xfeff)
    const rows = parseCsv(out)
    expect(rows[0]).toEqual(['层', '抽样社区', '权重', '满意', '知晓（按人）', '性别', '年龄段与性别', '答卷编号'])
    expect(rows[1]).toEqual(['清源区', '春华社区', '12.5', '是', '否', '女', '45-59 女', 'r:1'])
    expect(out.includes('\r\n')).toBe(true)
  })

  it('names case statuses, categories and departments, quoting what needs it', () => {
    i18n.global.locale.value = 'en'
    const csv = 'id,category,status,department,overdue,description\nA1,garbage,in_progress,sanitation,true,"heap, three days"\n'
    const out = toExcelCsv(csv, caseColumns(t, { area: (x) => x, category: () => 'Garbage', department: () => 'Sanitation office' }))
    expect(parseCsv(out)).toEqual([
      ['Case number', 'Category', 'Status', 'Department', 'Overdue', 'Description'],
      ['A1', 'Garbage', 'In progress', 'Sanitation office', 'Yes', 'heap, three days'],
    ])
    i18n.global.locale.value = 'zh-CN'
  })
})

describe('charts', () => {
  const est = (v: number) => ({ estimate: v, se: 0.01, ci_low: v - 0.02, ci_high: v + 0.02, deff: 1, n: 300, df: 10, point_meets: v >= 0.9, verdict: 'inconclusive' as const })

  it('starts the rate axis at 0 and keeps the threshold label right of the bars', () => {
    const o = rateChart([{ name: 'A', est: est(0.78) }, { name: 'B', est: est(0.97) }], 0.9, { rate: 'r', ci: 'ci', threshold: '90%' })
    expect(o.yAxis.min).toBe(0)
    expect(o.series[0].markLine!.label.position).toBe('end')
    expect(o.grid.right).toBeGreaterThanOrEqual(64)
  })

  it('draws partial weeks apart instead of as a fall in the line', () => {
    const o = trendChart(['11-02', '11-09', '11-16', '11-23'], [120, 290, 300, 90], [], { filed: 'Filed', closed: 'Closed', partial: 'Partial week' }, [true, false, false, true])
    expect(o.series[0].data).toEqual([null, 290, 300, null])
    expect(o.series).toHaveLength(2)
    expect(o.series[1].name).toBe('Partial week')
    expect(o.legend.data).toContain('Partial week')
    // Without partial weeks nothing changes.
    expect(trendChart(['a'], [1], [], { filed: 'F', closed: 'C' }).series[0].data).toEqual([1])
  })

  it('has a density legend on the map\'s own colour scale', () => {
    const steps = heatSteps(40)
    expect(steps.map((s) => [s.from, s.to])).toEqual([
      [0, 10],
      [11, 20],
      [21, 30],
      [31, 40],
    ])
    expect(steps[3].color).toBe(heat(40, 40))
    expect(heatSteps(0)).toEqual([])
  })
})
