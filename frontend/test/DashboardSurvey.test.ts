// DashboardView's survey card: every round as a time series of the chosen
// indicator, and the latest closed round's table by district with the
// complaints per 10,000 residents beside it. The fixture is a trimmed copy
// of a real answer of GET /api/v1/dashboard/satisfaction from the demo
// portal (districts D01 and D02 only): two closed rounds with results and
// an open round whose note says it has no estimate yet. The demo has no
// cases filed during the closed rounds' dates, so their per-round counts
// are 0; one test gives D01 some to check the city-wide row's sum.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, type PropType } from 'vue'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import fixture from './fixtures/dashboard-satisfaction.json'
import type { DashSatisfaction } from '../src/api/dashboard'
import { i18n } from '../src/i18n'

vi.mock('../src/api/dashboard', () => ({
  dashComplaints: vi.fn(),
  dashDepartments: vi.fn(),
  dashSatisfaction: vi.fn(),
}))
vi.mock('../src/api/complaints', async (orig) => ({ ...(await orig<typeof import('../src/api/complaints')>()), listCases: vi.fn(), getCategories: vi.fn() }))
vi.mock('../src/api/areas', () => ({ getAreas: vi.fn(), getDepartments: vi.fn() }))
vi.mock('../src/api/survey', () => ({ listRounds: vi.fn(), results: vi.fn() }))

import * as dashApi from '../src/api/dashboard'
import * as complaintsApi from '../src/api/complaints'
import * as areasApi from '../src/api/areas'
import * as surveyApi from '../src/api/survey'
import DashboardView from '../src/views/official/DashboardView.vue'

interface Series {
  name: string
  type: string
  data: unknown[]
  markLine?: { data: { yAxis: number }[] }
}
interface Option {
  xAxis: { data: string[] }
  legend?: { data: string[] }
  series: Series[]
}

// The chart stub keeps the last option given to each chart, by its label.
const charts = new Map<string, Option>()
const EChartStub = defineComponent({
  props: { option: { type: Object as PropType<Option>, required: true }, label: { type: String, required: true }, height: String },
  setup(props) {
    return () => {
      charts.set(props.label, props.option)
      return h('div', { 'data-testid': 'chart', 'data-label': props.label })
    }
  },
})

async function mountView(data: unknown = fixture): Promise<VueWrapper> {
  vi.mocked(dashApi.dashSatisfaction).mockResolvedValue(structuredClone(data) as DashSatisfaction)
  const w = mount(DashboardView, { global: { plugins: [i18n], stubs: { EChart: EChartStub, AreaMap: true, RouterLink: true } } })
  await flushPromises()
  return w
}

/** seriesChart returns the option of the across-rounds chart. */
function seriesChart(w: VueWrapper): Option {
  const el = w.findAll('[data-testid=survey-summary] [data-testid=chart]')
  expect(el).toHaveLength(1)
  const o = charts.get(el[0].attributes('data-label')!)
  expect(o).toBeDefined()
  return o!
}

function cells(w: VueWrapper) {
  return w.findAll('[data-testid=dash-survey-table] tbody tr').map((tr) => ({
    id: tr.attributes('data-district'),
    name: tr.find('th').text(),
    estimate: tr.find('[data-col=estimate]').text(),
    ci: tr.find('[data-col=ci]').text(),
    verdict: tr.find('[data-col=verdict]').text(),
    badge: tr.find('[data-testid=verdict]').exists() ? tr.find('[data-testid=verdict]').attributes('data-verdict') : null,
    complaints: tr.find('[data-col=complaints]').text(),
    per10k: tr.find('[data-col=per10k]').text(),
    period: tr.find('[data-col=period-per10k]').text(),
  }))
}

beforeEach(() => {
  i18n.global.locale.value = 'zh-CN'
  charts.clear()
  vi.mocked(dashApi.dashComplaints).mockResolvedValue(null)
  vi.mocked(dashApi.dashDepartments).mockResolvedValue(null)
  vi.mocked(complaintsApi.listCases).mockResolvedValue({ items: [] } as unknown as Awaited<ReturnType<typeof complaintsApi.listCases>>)
  vi.mocked(complaintsApi.getCategories).mockResolvedValue([])
  vi.mocked(areasApi.getAreas).mockResolvedValue([])
  vi.mocked(areasApi.getDepartments).mockResolvedValue([])
})
afterEach(() => {
  i18n.global.locale.value = 'zh-CN'
  vi.clearAllMocks()
})

describe('DashboardView survey card', () => {
  it('shows satisfaction by default: the latest closed round by district with complaints per 10,000 residents', async () => {
    const w = await mountView()
    expect(surveyApi.results).not.toHaveBeenCalled()
    const radios = w.findAll('[data-testid=dash-indicator-picker] input[type=radio]')
    expect(radios.map((r) => [r.attributes('value'), (r.element as HTMLInputElement).checked])).toEqual([
      ['satisfaction', true],
      ['awareness', false],
      ['awareness_items', false],
    ])
    expect(w.findAll('[data-testid=dash-indicator-picker] label').map((l) => l.text())).toEqual(['满意率', '健康知识知晓率（按人）', '健康知识知晓率（按题）'])
    // The open round has no estimate, so the table is the spring 2025 round's.
    const table = w.get('[data-testid=dash-survey-table]')
    expect(table.attributes('data-round')).toBe('demo-2025-spring')
    expect(table.attributes('data-indicator')).toBe('satisfaction')
    expect(w.get('[data-testid=survey-summary]').text()).toContain('最近一轮结果：2025年春季创卫满意度调查')
    expect(w.get('[data-testid=survey-rate]').text()).toBe('89.7%')
    expect(table.findAll('thead th').map((th) => th.text())).toEqual(['区', '满意率', '95% 置信区间', '结论', '调查期间投诉', '每万名居民投诉', '近期每万名居民投诉'])
    expect(w.get('[data-testid=per10k-note]').text()).toContain('“近期”为 2026-10-31 至 2026-11-29')
    expect(cells(w)).toEqual([
      { id: 'overall', name: '全市', estimate: '89.7%', ci: '87.6% – 91.4%', verdict: '尚不能确定', badge: 'inconclusive', complaints: '0', per10k: '0.00', period: '34.56' },
      { id: 'D01', name: '清源区', estimate: '94.9%', ci: '89.4% – 97.6%', verdict: '尚不能确定', badge: 'inconclusive', complaints: '0', per10k: '0.00', period: '32.53' },
      { id: 'D02', name: '东湖区', estimate: '77.7%', ci: '73.3% – 81.6%', verdict: '未达标', badge: 'below', complaints: '0', per10k: '0.00', period: '36.53' },
    ])
    // The open round without results says why.
    expect(w.findAll('[data-testid=round-notes] li').map((li) => li.text())).toEqual(['2025年秋季创卫满意度调查（进行中）：本轮尚无可估计的已审核答卷'])
  })

  it('draws one point per round, with CI bars, the 90% line and a gap for the round without results', async () => {
    const w = await mountView()
    const o = seriesChart(w)
    expect(o.xAxis.data).toEqual(['2024年秋季创卫满意度调查', '2025年春季创卫满意度调查', '2025年秋季创卫满意度调查'])
    const [overall, ci] = o.series
    expect(overall).toMatchObject({ name: '全市', type: 'line' })
    expect(overall.data).toEqual([88.3, 89.7, null])
    expect(overall.markLine!.data).toEqual([{ yAxis: 90 }])
    expect(ci.type).toBe('custom')
    expect(ci.data).toEqual([
      [0, 85.7, 90.4],
      [1, 87.6, 91.4],
    ])
    expect(o.series).toHaveLength(2)
    expect(o.legend).toBeUndefined()

    // The district lines are a toggle, off by default to stay readable on a phone.
    await w.get('[data-testid=show-districts]').setValue(true)
    const o2 = seriesChart(w)
    expect(o2.series.map((s) => s.name)).toEqual(['全市', '95% 置信区间', '清源区', '东湖区'])
    expect(o2.series[2].data).toEqual([93.3, 94.9, null])
    expect(o2.series[3].data).toEqual([82.3, 77.7, null])
    expect(o2.legend!.data).toEqual(['全市', '清源区', '东湖区'])
  })

  it('switches the chart, the headline and the table to per-respondent awareness', async () => {
    const w = await mountView()
    await w.get('[data-testid=dash-indicator-picker] input[value=awareness]').setValue(true)
    expect(w.findAll('[data-testid=dash-indicator-picker] input:checked').map((r) => r.attributes('value'))).toEqual(['awareness'])
    expect(w.get('[data-testid=dash-survey-table]').attributes('data-indicator')).toBe('awareness')
    expect(w.get('[data-testid=dash-survey-table] thead').text()).toContain('健康知识知晓率（按人）')
    expect(w.get('[data-testid=survey-rate]').text()).toBe('83.8%')
    expect(cells(w)).toEqual([
      { id: 'overall', name: '全市', estimate: '83.8%', ci: '81.6% – 85.7%', verdict: '未达标', badge: 'below', complaints: '0', per10k: '0.00', period: '34.56' },
      { id: 'D01', name: '清源区', estimate: '92.4%', ci: '89.9% – 94.3%', verdict: '尚不能确定', badge: 'inconclusive', complaints: '0', per10k: '0.00', period: '32.53' },
      { id: 'D02', name: '东湖区', estimate: '69.7%', ci: '64.1% – 74.8%', verdict: '未达标', badge: 'below', complaints: '0', per10k: '0.00', period: '36.53' },
    ])
    const o = seriesChart(w)
    expect(w.get('[data-testid=survey-summary] [data-testid=chart]').attributes('data-label')).toBe('健康知识知晓率（按人）：各轮变化 · 达标线 90%')
    expect(o.series[0].data).toEqual([77.7, 83.8, null])
    expect(o.series[0].data).toHaveLength(o.xAxis.data.length)
  })

  it('sums the districts into the city-wide complaints row and shows "—" for missing values, in English', async () => {
    i18n.global.locale.value = 'en'
    const data = structuredClone(fixture) as unknown as DashSatisfaction
    const spring = data.rounds.find((r) => r.id === 'demo-2025-spring')!
    // Edited: 12 cases in D01 during the round; D02 without a resident
    // count (no rate) and without a per-respondent awareness estimate.
    spring.districts[0].complaints = { residents: 89145, complaints: 12, per_10k: 1.35 }
    spring.districts[1].complaints = { residents: 0, complaints: 3, per_10k: null }
    delete spring.districts[1].rates!.awareness
    spring.districts[1].rates!.satisfaction.ci_low = null
    spring.districts[1].rates!.satisfaction.ci_high = null
    spring.districts[1].rates!.satisfaction.verdict = null
    const w = await mountView(data)
    expect(cells(w)).toEqual([
      // 15 cases; no city-wide rate while a district's residents are unknown.
      { id: 'overall', name: 'City', estimate: '89.7%', ci: '87.6% – 91.4%', verdict: 'Inconclusive', badge: 'inconclusive', complaints: '15', per10k: '—', period: '34.56' },
      { id: 'D01', name: '清源区', estimate: '94.9%', ci: '89.4% – 97.6%', verdict: 'Inconclusive', badge: 'inconclusive', complaints: '12', per10k: '1.35', period: '32.53' },
      { id: 'D02', name: '东湖区', estimate: '77.7%', ci: '— – —', verdict: '—', badge: null, complaints: '3', per10k: '—', period: '36.53' },
    ])
    await w.get('input[value=awareness]').setValue(true)
    expect(cells(w)[2]).toMatchObject({ estimate: '—', ci: '— – —', verdict: '—', badge: null })
  })
})
