// SurveyView: the indicator picker switches the chart and the per-domain
// table between satisfaction, per-respondent awareness and per-question
// awareness. The fixture is a trimmed copy of a real answer of
// GET /api/v1/rounds/demo-2025-spring/results?by=street from the demo
// portal (two streets, one of them a single sampled community, so its
// proportions have no interval or verdict).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, type PropType } from 'vue'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import fixture from './fixtures/survey-results.json'
import type { Results, Round } from '../src/api/survey'
import { i18n } from '../src/i18n'

vi.mock('../src/api/survey', () => ({
  listRounds: vi.fn(),
  results: vi.fn(),
  exportResponses: vi.fn(),
}))

import * as api from '../src/api/survey'
import SurveyView from '../src/views/official/SurveyView.vue'

const rounds: Round[] = [
  { id: 'demo-2025-spring', name: '2025年春季', status: 'closed', questionnaire_id: 'q', questionnaire_version: 1, threshold: 0.9, starts_on: '2025-04-01', ends_on: '2025-04-30', units: 24, target_total: 1608, version: 1 },
]

// The chart stub renders what rateChart was given, so the test can read the
// bars without a canvas.
const EChartStub = defineComponent({
  props: { option: { type: Object as PropType<{ series: { name: string; data: unknown[] }[] }>, required: true }, label: { type: String, required: true } },
  setup(props) {
    return () => {
      const bars = props.option.series[0]
      return h('div', { 'data-testid': 'chart', 'data-label': props.label, 'data-series': bars.name }, (bars.data as { value: number | null }[]).map((d) => String(d.value)).join(' '))
    }
  },
})

async function mountView(): Promise<VueWrapper> {
  const w = mount(SurveyView, { global: { plugins: [i18n], stubs: { EChart: EChartStub } } })
  await flushPromises()
  return w
}

/** cells returns each table row's domain id and its cells' text. */
function cells(w: VueWrapper) {
  return w.findAll('[data-testid=survey-table] tbody tr').map((tr) => ({
    id: tr.attributes('data-domain'),
    name: tr.find('th').text(),
    estimate: tr.find('[data-col=estimate]').text(),
    ci: tr.find('[data-col=ci]').text(),
    // The design effect is for analysts: in the "方法说明" disclosure.
    deff: w.get(`[data-testid=method] tr[data-domain="${tr.attributes('data-domain')}"] [data-col=deff]`).text(),
    n: tr.find('[data-col=n]').text(),
    verdict: tr.find('[data-col=verdict]').text(),
    badge: tr.find('[data-testid=verdict]').exists() ? tr.find('[data-testid=verdict]').attributes('data-verdict') : null,
  }))
}

beforeEach(() => {
  i18n.global.locale.value = 'zh-CN'
  vi.mocked(api.listRounds).mockResolvedValue(rounds)
  vi.mocked(api.results).mockResolvedValue(structuredClone(fixture) as unknown as Results)
})
afterEach(() => {
  i18n.global.locale.value = 'zh-CN'
  vi.clearAllMocks()
})

describe('SurveyView indicator picker', () => {
  it('shows satisfaction by default, per domain, with estimate, CI, deff, n and verdict', async () => {
    const w = await mountView()
    expect(api.results).toHaveBeenCalledWith('demo-2025-spring', 'district')
    const radios = w.findAll('[data-testid=indicator-picker] input[type=radio]')
    expect(radios.map((r) => [r.attributes('value'), (r.element as HTMLInputElement).checked])).toEqual([
      ['satisfaction', true],
      ['awareness', false],
      ['awareness_items', false],
    ])
    expect(w.findAll('[data-testid=indicator-picker] label').map((l) => l.text())).toEqual(['满意率', '健康知识知晓率（按人）', '健康知识知晓率（按题）'])
    expect(w.find('[data-testid=survey-table] thead').text()).toContain('满意率')
    expect(cells(w)).toEqual([
      { id: 'overall', name: '全市', estimate: '89.7%', ci: '87.6% – 91.4%', deff: '1.32', n: '1499', verdict: '尚不能确定', badge: 'inconclusive' },
      { id: 'D01-S02', name: '文昌街道', estimate: '95.8%', ci: '90.2% – 98.2%', deff: '0.79', n: '244', verdict: '达标', badge: 'meets' },
      { id: 'D03-S01', name: '岭南街道', estimate: '93.7%', ci: '— – —', deff: '0.00', n: '65', verdict: '—', badge: null },
    ])
    const chart = w.get('[data-testid=chart]')
    expect(chart.attributes('data-series')).toBe('满意率')
    expect(chart.text()).toBe('89.7 95.8 93.7')
    expect(w.find('[data-testid=items-note]').exists()).toBe(false)
  })

  it('switches the table and the chart to per-question awareness and explains it', async () => {
    const w = await mountView()
    await w.get('input[value=awareness_items]').setValue(true)
    expect(w.get('[data-testid=survey-table]').attributes('data-indicator')).toBe('awareness_items')
    expect(w.find('[data-testid=survey-table] thead').text()).toContain('健康知识知晓率（按题）')
    expect(cells(w)).toEqual([
      { id: 'overall', name: '全市', estimate: '87.5%', ci: '86.8% – 88.2%', deff: '1.25', n: '1499', verdict: '未达标', badge: 'below' },
      { id: 'D01-S02', name: '文昌街道', estimate: '91.4%', ci: '90.8% – 92.1%', deff: '0.24', n: '244', verdict: '达标', badge: 'meets' },
      { id: 'D03-S01', name: '岭南街道', estimate: '86.0%', ci: '85.8% – 86.2%', deff: '0.01', n: '65', verdict: '未达标', badge: 'below' },
    ])
    const chart = w.get('[data-testid=chart]')
    expect(chart.attributes('data-series')).toBe('健康知识知晓率（按题）')
    // The level comes from the answer's `by` (the fixture is by street).
    expect(chart.attributes('data-label')).toBe('健康知识知晓率（按题） · 按街道')
    expect(chart.text()).toBe('87.5 91.4 86')
    expect(w.get('[data-testid=items-note]').text()).toContain('答对的题数除以作答的题数')
    // Only one indicator is chosen at a time.
    expect(w.findAll('input[type=radio]:checked').map((r) => r.attributes('value'))).toEqual(['awareness_items'])
  })

  it('switches to per-respondent awareness in English, with "—" where there is no interval', async () => {
    i18n.global.locale.value = 'en'
    const w = await mountView()
    await w.get('input[value=awareness]').setValue(true)
    expect(cells(w)).toEqual([
      { id: 'overall', name: 'City', estimate: '83.8%', ci: '81.6% – 85.7%', deff: '1.08', n: '1499', verdict: 'Below the threshold', badge: 'below' },
      { id: 'D01-S02', name: 'Wenchang Subdistrict', estimate: '92.6%', ci: '86.7% – 96.0%', deff: '0.71', n: '244', verdict: 'Inconclusive', badge: 'inconclusive' },
      { id: 'D03-S01', name: 'Lingnan Subdistrict', estimate: '84.5%', ci: '— – —', deff: '0.01', n: '65', verdict: '—', badge: null },
    ])
    expect(w.get('[data-testid=chart]').text()).toBe('83.8 92.6 84.5')
    expect(w.find('[data-testid=items-note]').exists()).toBe(false)
    // Back to satisfaction.
    await w.get('input[value=satisfaction]').setValue(true)
    expect(cells(w)[0]).toMatchObject({ estimate: '89.7%', verdict: 'Inconclusive' })
  })

  it('keeps the previous-round comparison for all three indicators whatever is chosen', async () => {
    const w = await mountView()
    await w.get('input[value=awareness]').setValue(true)
    const section = w.findAll('section').find((s) => s.find('h2').text() === '与上轮比较')
    expect(section).toBeDefined()
    const rows = section!.findAll('tbody tr').map((tr) => tr.findAll('th, td').map((c) => c.text()))
    expect(rows).toEqual([
      ['满意率', '88.3%', '89.7%', '+1.4 个百分点'],
      ['健康知识知晓率（按人）', '77.7%', '83.8%', '+6.1 个百分点'],
      ['健康知识知晓率（按题）', '84.2%', '87.5%', '+3.3 个百分点'],
    ])
  })

  it('keeps analysts\' details behind 方法说明 and explains the verdicts in plain words', async () => {
    const w = await mountView()
    // The officials' table has no design effect or method text.
    expect(w.get('[data-testid=survey-table]').text()).not.toContain('设计效应')
    const method = w.get('details[data-testid=method]')
    expect(method.attributes('open')).toBeUndefined()
    expect(method.get('summary').text()).toContain('方法说明')
    expect(method.text()).toContain('设计效应')
    expect(w.get('[data-testid=verdict-note]').text()).toContain('需要更多访问')
    i18n.global.locale.value = 'en'
    await flushPromises()
    expect(w.get('[data-testid=verdict-note]').text()).toContain('more interviews are needed')
  })
})
