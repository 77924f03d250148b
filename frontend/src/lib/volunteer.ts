// The volunteer's device state: the offline queue, automatic sync when the
// network returns, and offline copies of rounds, assignments and
// questionnaires.
import { reactive } from 'vue'
import { Queue, type QueueRecord, type SyncReport } from './queue'
import { sendBatch } from '../api/survey'
import { ensureFreshToken } from '../api/session'
import { ApiError } from '../api/client'

export const device = reactive({
  records: [] as QueueRecord[],
  syncing: false,
  lastReport: null as SyncReport | null,
  lastError: '' as string,
})

let queue: Promise<Queue> | null = null

export function getQueue(): Promise<Queue> {
  if (!queue) {
    queue = Queue.open().then((q) => {
      q.onChange(() => void refresh())
      return q
    })
  }
  return queue
}

export async function refresh() {
  const q = await getQueue()
  device.records = await q.list()
}

export function counts() {
  const c = { queued: 0, sending: 0, sent: 0, rejected: 0 }
  for (const r of device.records) c[r.state]++
  return c
}

/** syncNow uploads everything queued; it is safe to call at any time. */
export async function syncNow(): Promise<SyncReport | null> {
  const q = await getQueue()
  device.syncing = true
  device.lastError = ''
  try {
    if (typeof navigator !== 'undefined' && !navigator.onLine) {
      device.lastReport = { sent: 0, rejected: 0, retry: device.records.filter((r) => r.state === 'queued').length, offline: true }
      return device.lastReport
    }
    await ensureFreshToken()
    device.lastReport = await q.sync(sendBatch)
    return device.lastReport
  } catch (e) {
    device.lastError = e instanceof ApiError ? e.message : String(e)
    return null
  } finally {
    device.syncing = false
    await refresh()
  }
}

let started = false
let retryTimer: ReturnType<typeof setTimeout> | null = null
// After the connection returns the first request can still fail (the
// radio is up before the route is); retry soon rather than at the next tick.
const RETRY_MS = [2_000, 5_000, 10_000]

const waiting = () => device.records.some((r) => r.state === 'queued')

/** syncSoon syncs now and, while the network still fails, again after short pauses. */
export async function syncSoon(attempt = 0) {
  if (retryTimer) clearTimeout(retryTimer)
  retryTimer = null
  const r = await syncNow()
  if ((r === null || r.offline) && navigator.onLine && waiting() && attempt < RETRY_MS.length) {
    retryTimer = setTimeout(() => void syncSoon(attempt + 1), RETRY_MS[attempt])
  }
}

/**
 * startAutoSync syncs now, the moment the browser is back online, when the
 * app comes back to the foreground, and every 15 s while something waits.
 */
export function startAutoSync() {
  if (started || typeof window === 'undefined') return
  started = true
  window.addEventListener('online', () => {
    device.lastReport = null
    void syncSoon()
  })
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && navigator.onLine && waiting()) void syncSoon()
  })
  setInterval(() => {
    if (navigator.onLine && waiting() && !device.syncing) void syncNow()
  }, 15_000)
  void refresh().then(() => {
    if (waiting()) void syncSoon()
  })
}

/** cached loads from the network and keeps a copy; offline it answers the copy. */
export async function cached<T>(key: string, load: () => Promise<T>): Promise<{ data: T; offline: boolean }> {
  const q = await getQueue()
  try {
    const data = await load()
    await q.cachePut(key, data)
    return { data, offline: false }
  } catch (e) {
    if (e instanceof ApiError && !e.offline) throw e
    const data = await q.cacheGet<T>(key)
    if (data === undefined) throw e
    return { data, offline: true }
  }
}
