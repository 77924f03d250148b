import { describe, expect, it } from 'vitest'
import zh from '../src/i18n/zh-CN'
import en from '../src/i18n/en'
import { actionKey, auditActions, detailText, targetText } from '../src/lib/audit'

describe('audit page helpers', () => {
  it('names every known route in both languages', () => {
    for (const key of Object.values(auditActions)) {
      expect((zh.audit.actions as Record<string, string>)[key], key).toBeTruthy()
      expect((en.audit.actions as Record<string, string>)[key], key).toBeTruthy()
    }
    expect(actionKey('POST /api/v1/complaints/:id/actions')).toBe('caseAction')
    expect(actionKey('POST /api/v1/unknown')).toBeNull()
  })

  it('renders details sorted, skipping given keys, and targets', () => {
    expect(detailText({ role: 'official', disabled: 'true', action: 'x' }, ['action'])).toBe('disabled: true; role: official')
    expect(detailText(undefined)).toBe('')
    expect(targetText({ id: 'C-2026-000123' })).toBe('C-2026-000123')
    expect(targetText({ id: 'r1', unit: 'U3' })).toBe('id r1 · unit U3')
    expect(targetText(undefined)).toBe('')
  })
})
