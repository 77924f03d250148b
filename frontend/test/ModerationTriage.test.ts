// The officials' moderation and triage pages: each decision sends what the
// moderator chose (the edited text only for a redaction) and takes the case
// off the list; placing sends the community, or the point picked on the map.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { i18n } from '../src/i18n'
import type { ModerationItem, TriageItem } from '../src/api/moderation'

vi.mock('../src/api/moderation', async (orig) => ({
  ...(await orig<typeof import('../src/api/moderation')>()),
  moderationQueue: vi.fn(),
  moderate: vi.fn(),
  triageQueue: vi.fn(),
  placeReport: vi.fn(),
}))
vi.mock('../src/api/areas', () => ({
  getAreas: vi.fn(async (level: string) =>
    ({
      district: [{ type: 'Feature', id: 'D01', properties: { id: 'D01', level: 'district', name: '清源区', name_en: 'Qingyuan' }, geometry: null }],
      street: [{ type: 'Feature', id: 'D01-S01', properties: { id: 'D01-S01', level: 'street', name: '解放路街道', name_en: 'Jiefang', parent_id: 'D01' }, geometry: null }],
      community: [{ type: 'Feature', id: 'D01-S01-C02', properties: { id: 'D01-S01-C02', level: 'community', name: '育才社区', name_en: 'Yucai', parent_id: 'D01-S01' }, geometry: null }],
    })[level] ?? []),
}))

import * as api from '../src/api/moderation'
import ModerationView from '../src/views/official/ModerationView.vue'
import TriageView from '../src/views/official/TriageView.vue'

// The map stub emits a pick when clicked, as a tap on the real map does.
const MapStub = defineComponent({ emits: ['pick'], setup(_, { emit }) { return () => h('button', { 'data-testid': 'map', onClick: () => emit('pick', 27.885, 113.09) }) } })
const global = { plugins: [i18n], stubs: { AreaMap: MapStub, RouterLink: { template: '<a><slot /></a>' } } }

const pending: ModerationItem = {
  id: 'AAAA2222BB', version: 3, category: { code: 'garbage', name: '垃圾', name_en: 'Garbage' }, area: {}, status: 'submitted',
  source: 'open311', filed_at: '2026-06-01T05:05:00Z', description: '3栋502室门口垃圾，电话13912345678', address: '和平社区3栋502室', anonymous: true,
}

beforeEach(() => {
  i18n.global.locale.value = 'zh-CN'
  vi.mocked(api.moderationQueue).mockResolvedValue([pending])
  vi.mocked(api.moderate).mockResolvedValue({ id: pending.id, status: 'submitted', category: 'garbage' })
})

async function mountView(c: unknown): Promise<VueWrapper> {
  const w = mount(c as never, { global })
  await flushPromises()
  return w
}

describe('ModerationView', () => {
  it('warns about personal details and publishes as filed', async () => {
    const w = await mountView(ModerationView)
    expect(w.text()).toContain(pending.description)
    expect(w.find('.alert.warn').exists()).toBe(true)
    await w.findAll('button').find((b) => b.text() === '原文发布')!.trigger('click')
    await flushPromises()
    expect(api.moderate).toHaveBeenCalledWith(pending.id, { decision: 'approve', version: 3, description: undefined, address: undefined })
    expect(w.find(`[data-testid=moderation-${pending.id}]`).exists()).toBe(false)
  })

  it('sends the edited text for a redaction', async () => {
    const w = await mountView(ModerationView)
    await w.findAll('button').find((b) => b.text() === '修改后发布')!.trigger('click')
    await w.find('textarea').setValue('门口垃圾堆了一周')
    await w.find('input[type=text]').setValue('和平社区3栋')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(api.moderate).toHaveBeenCalledWith(pending.id, { decision: 'redact', version: 3, description: '门口垃圾堆了一周', address: '和平社区3栋' })
  })

  it('keeps a case private', async () => {
    const w = await mountView(ModerationView)
    await w.findAll('button').find((b) => b.text() === '不公开')!.trigger('click')
    await flushPromises()
    expect(vi.mocked(api.moderate).mock.calls.at(-1)?.[1].decision).toBe('withhold')
  })
})

describe('TriageView', () => {
  const report: TriageItem = {
    id: 'CCCC3333DD', category: { code: 'garbage', name: '垃圾', name_en: 'Garbage' }, description: '', address: '解放路88号门口',
    source: 'open311', filed_by: 'open311:市民App', filed_at: '2026-06-01T05:05:00Z', private: false, hint: { street: { id: 'D01-S01', name: '解放路街道', name_en: 'Jiefang' }, district: { id: 'D01', name: '清源区', name_en: 'Qingyuan' } },
  }
  beforeEach(() => {
    vi.mocked(api.triageQueue).mockResolvedValue([report])
    vi.mocked(api.placeReport).mockResolvedValue({ id: report.id, status: 'submitted', category: 'garbage', department: { id: 'office-D01-S01', name: '解放路街道办事处', name_en: 'Office' } })
  })

  it('starts from the street the address names and places by community', async () => {
    const w = await mountView(TriageView)
    expect(w.text()).toContain('解放路88号门口')
    await w.findAll('button').find((b) => b.text() === '确认位置并派单')!.trigger('click')
    const selects = w.findAll('select')
    expect((selects[1].element as HTMLSelectElement).value).toBe('D01-S01')
    await selects[2].setValue('D01-S01-C02')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(api.placeReport).toHaveBeenCalledWith(report.id, { community_id: 'D01-S01-C02', lat: undefined, lon: undefined, address: undefined })
    expect(w.find('[data-testid=triage-done]').text()).toContain('解放路街道办事处')
  })

  it('places by a point on the map', async () => {
    const w = await mountView(TriageView)
    await w.findAll('button').find((b) => b.text() === '确认位置并派单')!.trigger('click')
    await w.find('[data-testid=map]').trigger('click')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(vi.mocked(api.placeReport).mock.calls.at(-1)).toEqual([report.id, { community_id: undefined, lat: 27.885, lon: 113.09, address: undefined }])
  })
})

describe('PublicTextPanel', () => {
  it('shows the published version and lets an official withdraw it', async () => {
    const { session } = await import('../src/api/session')
    const PublicTextPanel = (await import('../src/components/PublicTextPanel.vue')).default
    session.user = { id: 'u1', username: 'official', display_name: '', role: 'official' } as never
    const item = { id: 'EEEE4444FF', version: 4, status: 'submitted', category: 'garbage', description: '原文 13912345678', private: false,
      public_text: { state: 'approved', description: '门口垃圾', address: '', redacted: true, by: '创卫办', at: '2026-06-01T06:00:00Z' } }
    const w = mount(PublicTextPanel, { props: { item }, global })
    expect(w.text()).toContain('门口垃圾')
    expect(w.text()).not.toContain('13912345678')
    expect(w.findAll('button').map((b) => b.text())).toEqual(['修改后发布', '不公开'])
    await w.findAll('button')[1].trigger('click')
    await flushPromises()
    expect(vi.mocked(api.moderate).mock.calls.at(-1)).toEqual(['EEEE4444FF', { decision: 'withhold', version: 4, description: undefined, address: undefined }])
    expect(w.emitted('changed')).toHaveLength(1)
    // A private case offers no decision.
    await w.setProps({ item: { ...item, private: true } })
    expect(w.findAll('button')).toHaveLength(0)
    session.user = null
  })
})
