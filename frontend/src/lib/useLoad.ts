import { ref, type Ref } from 'vue'
import { toApiError, type ApiError } from '../api/client'

/** useLoad runs an async loader and exposes data, loading and error for LoadState. */
export function useLoad<T>(loader: () => Promise<T>) {
  const data = ref<T | null>(null) as Ref<T | null>
  const loading = ref(false)
  const error = ref<ApiError | null>(null)
  async function run() {
    loading.value = true
    error.value = null
    try {
      data.value = await loader()
    } catch (e) {
      error.value = toApiError(e)
    } finally {
      loading.value = false
    }
  }
  return { data, loading, error, run }
}

/** fmtTime renders an ISO time in the UI language, or a dash. */
export function fmtTime(iso: string | undefined | null, locale: string): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() < 2000) return '—'
  return d.toLocaleString(locale === 'en' ? 'en-GB' : 'zh-CN', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
}
