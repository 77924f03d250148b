// The reporter's contact confirmation: a code that is not 6 digits is not
// sent, the right one is sent with the tracking code and secret, and the
// server's word on a wrong code shows at the field.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { i18n } from '../src/i18n'
import { ApiError } from '../src/api/client'

vi.mock('../src/api/complaints', async (orig) => ({
  ...(await orig<typeof import('../src/api/complaints')>()),
  confirmContact: vi.fn(),
}))

import * as api from '../src/api/complaints'
import ContactConfirm from '../src/components/ContactConfirm.vue'

beforeEach(() => {
  i18n.global.locale.value = 'zh-CN'
  vi.mocked(api.confirmContact).mockReset()
})

describe('ContactConfirm', () => {
  it('sends six digits only, with the code and secret, and says when it is done', async () => {
    vi.mocked(api.confirmContact).mockResolvedValue({ id: 'AAAA2222BB', contact_confirmed: true })
    const w = mount(ContactConfirm, { props: { code: 'AAAA2222BB', secret: 'SECRET', state: 'sent' }, global: { plugins: [i18n] } })
    await w.find('input').setValue('12 34')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(api.confirmContact).not.toHaveBeenCalled()
    expect(w.text()).toContain('确认码为6位数字')
    await w.find('input').setValue('123 456')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(api.confirmContact).toHaveBeenCalledWith('AAAA2222BB', { secret: 'SECRET', code: '123456' })
    expect(w.find('[data-testid=contact-confirmed]').exists()).toBe(true)
  })

  it('shows the server message for a wrong code at the field', async () => {
    vi.mocked(api.confirmContact).mockRejectedValue(new ApiError(400, { code: 'validation', message: '部分字段无效', fields: { code: '确认码不正确' } }))
    const w = mount(ContactConfirm, { props: { code: 'AAAA2222BB', secret: 'SECRET', state: 'sent' }, global: { plugins: [i18n] } })
    await w.find('input').setValue('654321')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(w.find('.field-error').text()).toBe('确认码不正确')
    expect(w.find('input').attributes('aria-invalid')).toBe('true')
  })

  it('asks for no code when the contact already had one today', () => {
    const w = mount(ContactConfirm, { props: { code: 'AAAA2222BB', state: 'limited' }, global: { plugins: [i18n] } })
    expect(w.find('form').exists()).toBe(false)
    expect(w.text()).toContain('今天已收到过确认码')
  })
})
