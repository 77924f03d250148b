import { createI18n } from 'vue-i18n'
import zh from './zh-CN'
import en from './en'
import { configureClient } from '../api/client'

export type Locale = 'zh-CN' | 'en'
const KEY = 'cleancity.lang'

function initial(): Locale {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(KEY) : null
  if (saved === 'en' || saved === 'zh-CN') return saved
  return 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initial(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zh, en },
  missingWarn: false,
  fallbackWarn: false,
})

export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale
}

/** setLocale switches the UI language, the html lang attribute and the API's Accept-Language. */
export function setLocale(l: Locale) {
  i18n.global.locale.value = l
  localStorage.setItem(KEY, l)
  document.documentElement.lang = l
  configureClient({ language: l === 'en' ? 'en' : 'zh', networkMessage: i18n.global.t('errors.network') })
}

export function applyInitialLocale() {
  setLocale(currentLocale())
}

/** pick returns the English or Chinese variant of a bilingual server value. */
export function pick(zhText?: string, enText?: string): string {
  return currentLocale() === 'en' && enText ? enText : (zhText ?? enText ?? '')
}
