import { describe, expect, it } from 'vitest'
import zh from '../src/i18n/zh-CN'
import en from '../src/i18n/en'

function keys(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v as Record<string, unknown>, prefix + k + '.') : [prefix + k]))
}

function leaves(o: Record<string, unknown>): string[] {
  return Object.values(o).flatMap((v) => (v && typeof v === 'object' ? leaves(v as Record<string, unknown>) : [String(v)]))
}

describe('translations', () => {
  it('have the same keys in both languages', () => {
    expect(keys(en).sort()).toEqual(keys(zh).sort())
  })
  it('have no empty strings', () => {
    expect(leaves(zh).filter((s) => s.trim() === '')).toEqual([])
    expect(leaves(en).filter((s) => s.trim() === '')).toEqual([])
  })
  it('use the same placeholders in both languages', () => {
    const zk = keys(zh)
    const get = (o: Record<string, unknown>, k: string) => k.split('.').reduce<unknown>((a, p) => (a as Record<string, unknown>)[p], o) as string
    for (const k of zk) {
      const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort()
      expect([k, ph(get(en, k))]).toEqual([k, ph(get(zh, k))])
    }
  })
})
