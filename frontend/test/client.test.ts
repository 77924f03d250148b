import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { api, parseError, buildURL, ApiError } from '../src/api/client'
import ErrorBox from '../src/components/ErrorBox.vue'
import zh from '../src/i18n/zh-CN'
import en from '../src/i18n/en'

afterEach(() => vi.unstubAllGlobals())

describe('API errors', () => {
  it('reads the portal error shape with per-field messages', () => {
    const e = parseError(400, { error: { code: 'invalid', message: '请求无效', fields: { lat: '纬度必须在-90到90之间', bad: 3 }, request_id: 'r1' } }, 'x')
    expect(e).toBeInstanceOf(ApiError)
    expect(e.status).toBe(400)
    expect(e.code).toBe('invalid')
    expect(e.message).toBe('请求无效')
    expect(e.fields).toEqual({ lat: '纬度必须在-90到90之间' })
    expect(e.requestId).toBe('r1')
  })
  it('falls back for bodies that are not the error shape', () => {
    const e = parseError(502, '<html>', 'HTTP 502')
    expect(e.code).toBe('internal')
    expect(e.message).toBe('HTTP 502')
    expect(parseError(404, null, 'HTTP 404').code).toBe('invalid')
  })
  it('builds query strings without empty values', () => {
    expect(buildURL('/complaints', { status: 'accepted', q: '', cursor: undefined, limit: 50 })).toBe('/api/v1/complaints?status=accepted&limit=50')
  })
  it('turns a failed fetch into an offline error', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')))
    const e = (await api('/x').catch((x: unknown) => x)) as ApiError
    expect(e).toBeInstanceOf(ApiError)
    expect(e.offline).toBe(true)
  })
  it('throws the decoded error of a 4xx answer', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ error: { code: 'conflict', message: 'stale version' } }), { status: 409, headers: { 'Content-Type': 'application/json' } }))
    const e = (await api('/x', { body: {} }).catch((x: unknown) => x)) as ApiError
    expect([e.status, e.code, e.message]).toEqual([409, 'conflict', 'stale version'])
  })
  it('sends the UI language to the API', async () => {
    let seen: Record<string, string> = {}
    vi.stubGlobal('fetch', async (_u: string, init: RequestInit) => {
      seen = init.headers as Record<string, string>
      return new Response('{}', { status: 200, headers: { 'Content-Type': 'application/json' } })
    })
    await api('/x')
    expect(seen['Accept-Language']).toMatch(/^(zh-CN|en)$/)
  })
})

describe('ErrorBox', () => {
  const i18n = (locale: string) => createI18n({ legacy: false, locale, messages: { 'zh-CN': zh, en } })
  it('shows the message and each field by its label; no request id or retry for a 4xx', () => {
    const error = new ApiError(400, { code: 'invalid', message: '请求无效', fields: { description: '至少10个字符', lat: '必填' }, request_id: 'abc123' })
    const w = mount(ErrorBox, { props: { error, labels: { description: '问题描述' }, retry: true }, global: { plugins: [i18n('zh-CN')] } })
    expect(w.attributes('role')).toBe('alert')
    expect(w.text()).toContain('请求无效')
    expect(w.find('[data-field=description]').text()).toBe('问题描述: 至少10个字符')
    expect(w.find('[data-field=lat]').text()).toBe('lat: 必填')
    expect(w.text()).not.toContain('abc123')
    expect(w.find('button').exists()).toBe(false)
  })
  it('shows the request id and a retry for a server fault', () => {
    const error = new ApiError(503, { code: 'internal', message: '服务暂不可用', request_id: 'abc123' })
    const w = mount(ErrorBox, { props: { error, retry: true }, global: { plugins: [i18n('zh-CN')] } })
    expect(w.text()).toContain('abc123')
    expect(w.find('button').text()).toBe('重试')
  })
  it('renders nothing without an error', () => {
    const w = mount(ErrorBox, { props: { error: null }, global: { plugins: [i18n('en')] } })
    expect(w.find('[role=alert]').exists()).toBe(false)
  })
})
