// SurveyForecast: an open round's interim verdicts, forecasts and the
// "send volunteers here" plan, in plain words, from the fields
// GET /api/v1/rounds/{id}/results adds for open rounds.
import { describe, expect, it, beforeEach } from 'vitest'
import { mount } from '@vue/test-utils'
import type { Estimate, Results } from '../src/api/survey'
import { i18n } from '../src/i18n'
import SurveyForecast from '../src/components/SurveyForecast.vue'

const interim = (lo: number, hi: number) => ({ look: 4, looks: 10, fraction: 0.4, critical: 3.9, ci_low: lo, ci_high: hi })
const est = (estimate: number, verdict: Estimate['verdict'], forecast: Estimate['forecast'], iv = interim(estimate - 0.05, estimate + 0.03)): Estimate => ({
  estimate, se: 0.01, ci_low: estimate - 0.02, ci_high: estimate + 0.02, deff: 1.4, n: 640, df: 20, point_meets: estimate >= 0.9, verdict, interim: iv, forecast,
})
const fc = (o: Partial<NonNullable<Estimate['forecast']>>): NonNullable<Estimate['forecast']> => ({
  toward: 'meets', needed: 480, needed_if_unchanged: 320, assurance: 0.8, reachable: true, remaining: 960, too_early: false, early_more: 0, ...o,
})

function results(status: string): Results {
  return {
    round_id: 'r', status, threshold: 0.9, by: 'district',
    design: { n: 640, strata: 4, psus: 24, df: 20 },
    overall: { satisfaction: est(0.935, 'inconclusive', fc({})) },
    domains: [
      { id: 'D01', name: '清源区', name_en: 'Qingyuan', rates: { satisfaction: est(0.985, 'meets', fc({ needed: 0 })) } },
      { id: 'D02', name: '河西区', name_en: 'Hexi', rates: { satisfaction: est(0.91, 'inconclusive', fc({ needed: 2600, reachable: false, remaining: 240 })) } },
      { id: 'D03', name: '南湖区', name_en: 'Nanhu', rates: { satisfaction: est(0.90, 'inconclusive', fc({ needed: null, reachable: false })) } },
      { id: 'D04', name: '北山区', name_en: 'Beishan', rates: { satisfaction: est(0.95, 'inconclusive', fc({ too_early: true, early_more: 35, needed: null, reachable: false })) } },
    ],
    progress: { units: [], total: {} },
    allocation: [{
      indicator: 'satisfaction', needed: 410, needed_as_now: 480, remaining: 960, reachable: true, budget: false,
      strata: [
        { id: 'D01', name: '清源区', more: 0, no_data: false },
        { id: 'D02', name: '河西区', more: 300, no_data: false },
        { id: 'D03', name: '南湖区', more: 110, no_data: false },
      ],
      units: [
        { unit: 'D02-S01-C03', name: '春晖社区', stratum: 'D02', more: 160 },
        { unit: 'D02-S02-C01', name: '翠竹社区', stratum: 'D02', more: 140 },
        { unit: 'D03-S01-C02', name: '滨河社区', stratum: 'D03', more: 110 },
      ],
    }],
  }
}

beforeEach(() => {
  i18n.global.locale.value = 'zh-CN'
})

describe('SurveyForecast', () => {
  it('says per area what is still needed, in plain Chinese', () => {
    const w = mount(SurveyForecast, { props: { res: results('open'), indicator: 'satisfaction' }, global: { plugins: [i18n] } })
    const rows = w.findAll('[data-testid=forecast-table] tbody tr').map((tr) => [tr.attributes('data-domain'), tr.attributes('data-advice'), tr.find('[data-col=advice]').text()])
    expect(rows.map((r) => r.slice(0, 2))).toEqual([
      ['overall', 'needed'], ['D01', 'decided'], ['D02', 'beyond'], ['D03', 'never'], ['D04', 'early'],
    ])
    expect(rows[0][2]).toBe('再收约 480 份有效问卷，有 80% 的把握得出明确结论（目前倾向“达标”）')
    expect(rows[2][2]).toContain('超过本轮剩余的 240 份')
    expect(rows[4][2]).toContain('再收约 35 份')
    // The range shown is the interim one, not the fixed interval.
    expect(w.find('[data-domain=overall]').text()).toContain('88.5% – 96.5%')
  })

  it('lists where to send volunteers, most needed first', () => {
    const w = mount(SurveyForecast, { props: { res: results('open'), indicator: 'satisfaction' }, global: { plugins: [i18n] } })
    expect(w.find('[data-testid=send-summary]').text()).toBe('按下表安排，全市结论只需再收约 410 份有效问卷（按现在的比例继续收需约 480 份）。')
    const units = w.findAll('[data-testid=send-table] tbody tr').map((tr) => tr.text())
    expect(units).toEqual(['春晖社区河西区+160', '翠竹社区河西区+140', '滨河社区南湖区+110'])
  })

  it('says when the remaining interviews can only make the rate more precise', () => {
    const res = results('open')
    res.allocation = [{ ...res.allocation![0], needed: 960, needed_as_now: null, reachable: false, budget: true }]
    const w = mount(SurveyForecast, { props: { res, indicator: 'satisfaction' }, global: { plugins: [i18n] } })
    expect(w.find('[data-testid=send-summary]').text()).toBe('按目前情况，本轮剩余的 960 份问卷内难以得出明确的全市结论；按下表安排这些问卷，能让全市结果尽量精确。')
  })

  it('speaks English when asked', () => {
    i18n.global.locale.value = 'en'
    const w = mount(SurveyForecast, { props: { res: results('open'), indicator: 'satisfaction' }, global: { plugins: [i18n] } })
    expect(w.find('h2').text()).toContain('Round in progress')
    expect(w.find('[data-domain=overall] [data-col=advice]').text()).toBe('About 480 more accepted interviews give a clear result with 80% confidence (leaning "Meets the threshold")')
  })

  it('shows nothing for a closed round or an indicator without a plan', () => {
    const closed = mount(SurveyForecast, { props: { res: results('closed'), indicator: 'satisfaction' }, global: { plugins: [i18n] } })
    expect(closed.find('[data-testid=survey-forecast]').exists()).toBe(false)
    const other = mount(SurveyForecast, { props: { res: results('open'), indicator: 'awareness' }, global: { plugins: [i18n] } })
    expect(other.find('[data-testid=survey-forecast]').exists()).toBe(false)
  })
})
