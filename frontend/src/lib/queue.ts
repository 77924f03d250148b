// The volunteer's offline queue: finished interviews wait in IndexedDB
// (which survives closing the browser) until they reach the server. Each
// carries the UUID it was given when the interview started; the server
// treats a resend of the same UUID with the same content as the stored
// result, so a retry after a lost answer never duplicates an interview.
//
// States: queued (waiting), sending (in a request now), sent (stored by
// the server), rejected (the server refused it, with a reason; kept so the
// volunteer sees why). A "sending" record found when the app starts was
// cut off mid-request and goes back to queued.

export type SyncState = 'queued' | 'sending' | 'sent' | 'rejected'

export interface GPS {
  lat: number
  lon: number
  accuracy: number
}

export interface Interview {
  client_id: string
  round_id: string
  unit: string
  started_at: string
  ended_at: string
  gps?: GPS | null
  answers: Record<string, unknown>
}

export interface QueueRecord extends Interview {
  state: SyncState
  attempts: number
  queued_at: string
  updated_at: string
  /** reason is the server's message for a rejected record or the last failure. */
  reason?: string
  /** server is what the server said about a sent record (status, flags). */
  server?: Record<string, unknown>
}

const STORE = 'interviews'

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result)
    r.onerror = () => reject(r.error)
  })
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onerror = () => reject(tx.error)
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'))
  })
}

export function openDB(name = 'cleancity-volunteer'): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(name, 1)
    r.onupgradeneeded = () => {
      const db = r.result
      if (!db.objectStoreNames.contains(STORE)) {
        const s = db.createObjectStore(STORE, { keyPath: 'client_id' })
        s.createIndex('state', 'state')
      }
      if (!db.objectStoreNames.contains('cache')) db.createObjectStore('cache')
    }
    r.onsuccess = () => resolve(r.result)
    r.onerror = () => reject(r.error)
  })
}

export interface SendResult {
  client_id: string
  /** ok: stored (new or the same as before); rejected: refused for good; retry: try again later. */
  outcome: 'ok' | 'rejected' | 'retry'
  reason?: string
  server?: Record<string, unknown>
}

/** Sender posts a batch of one round's interviews and reports per interview. It throws on network failure. */
export type Sender = (roundId: string, batch: Interview[]) => Promise<SendResult[]>

export interface SyncReport {
  sent: number
  rejected: number
  retry: number
  offline: boolean
}

export class Queue {
  private syncing: Promise<SyncReport> | null = null
  private listeners = new Set<() => void>()

  constructor(
    readonly db: IDBDatabase,
    private now: () => Date = () => new Date(),
  ) {}

  static async open(name?: string, now?: () => Date): Promise<Queue> {
    const q = new Queue(await openDB(name), now)
    await q.recover()
    return q
  }

  /** onChange registers a callback run after every change; it returns the unsubscribe function. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  private changed() {
    for (const fn of this.listeners) fn()
  }

  /** add queues a finished interview; adding the same client_id again keeps the first. */
  async add(iv: Interview): Promise<QueueRecord> {
    const at = this.now().toISOString()
    const rec: QueueRecord = { ...structuredCloneSafe(iv), state: 'queued', attempts: 0, queued_at: at, updated_at: at }
    const tx = this.db.transaction(STORE, 'readwrite')
    const s = tx.objectStore(STORE)
    const existing = (await req(s.get(iv.client_id))) as QueueRecord | undefined
    if (!existing) s.add(rec)
    await done(tx)
    this.changed()
    return existing ?? rec
  }

  async get(id: string): Promise<QueueRecord | undefined> {
    const tx = this.db.transaction(STORE, 'readonly')
    return (await req(tx.objectStore(STORE).get(id))) as QueueRecord | undefined
  }

  /** list returns every record, oldest first. */
  async list(): Promise<QueueRecord[]> {
    const tx = this.db.transaction(STORE, 'readonly')
    const all = (await req(tx.objectStore(STORE).getAll())) as QueueRecord[]
    return all.sort((a, b) => (a.queued_at < b.queued_at ? -1 : a.queued_at > b.queued_at ? 1 : a.client_id.localeCompare(b.client_id)))
  }

  async counts(): Promise<Record<SyncState, number>> {
    const c: Record<SyncState, number> = { queued: 0, sending: 0, sent: 0, rejected: 0 }
    for (const r of await this.list()) c[r.state]++
    return c
  }

  private async update(ids: string[], patch: (r: QueueRecord) => void) {
    const tx = this.db.transaction(STORE, 'readwrite')
    const s = tx.objectStore(STORE)
    for (const id of ids) {
      const r = (await req(s.get(id))) as QueueRecord | undefined
      if (!r) continue
      patch(r)
      r.updated_at = this.now().toISOString()
      s.put(r)
    }
    await done(tx)
    this.changed()
  }

  /** recover puts records cut off mid-send back in the queue. */
  async recover() {
    const stuck = (await this.list()).filter((r) => r.state === 'sending').map((r) => r.client_id)
    if (stuck.length) await this.update(stuck, (r) => (r.state = 'queued'))
  }

  /** requeue sends a rejected record again (after the volunteer fixed the cause). */
  async requeue(id: string) {
    await this.update([id], (r) => {
      r.state = 'queued'
      r.reason = undefined
    })
  }

  async remove(id: string) {
    const tx = this.db.transaction(STORE, 'readwrite')
    tx.objectStore(STORE).delete(id)
    await done(tx)
    this.changed()
  }

  /** pruneSent forgets sent records older than maxAgeMs. */
  async pruneSent(maxAgeMs: number) {
    const cutoff = this.now().getTime() - maxAgeMs
    const old = (await this.list()).filter((r) => r.state === 'sent' && Date.parse(r.updated_at) < cutoff)
    for (const r of old) await this.remove(r.client_id)
  }

  /**
   * sync sends every queued record, one batch per round, at most batchSize
   * at a time. Only one sync runs at once (in this tab; across tabs the Web
   * Locks API serialises them where it exists); a second call joins the
   * running one. A network failure puts the batch back and stops.
   */
  sync(send: Sender, batchSize = 100): Promise<SyncReport> {
    if (!this.syncing) {
      const run = () => this.syncOnce(send, batchSize)
      const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined
      const p: Promise<SyncReport> = locks ? (locks.request('cleancity-sync', run) as unknown as Promise<SyncReport>) : run()
      this.syncing = p.finally(() => {
        this.syncing = null
      })
    }
    return this.syncing
  }

  private async syncOnce(send: Sender, batchSize: number): Promise<SyncReport> {
    const report: SyncReport = { sent: 0, rejected: 0, retry: 0, offline: false }
    const queued = (await this.list()).filter((r) => r.state === 'queued')
    const byRound = new Map<string, QueueRecord[]>()
    for (const r of queued) {
      const list = byRound.get(r.round_id) ?? []
      list.push(r)
      byRound.set(r.round_id, list)
    }
    for (const [round, recs] of byRound) {
      for (let i = 0; i < recs.length; i += batchSize) {
        const batch = recs.slice(i, i + batchSize)
        const ids = batch.map((r) => r.client_id)
        await this.update(ids, (r) => {
          r.state = 'sending'
          r.attempts++
        })
        let results: SendResult[]
        try {
          results = await send(round, batch.map(toInterview))
        } catch (e) {
          await this.update(ids, (r) => {
            r.state = 'queued'
            r.reason = e instanceof Error ? e.message : String(e)
          })
          report.offline = true
          report.retry += ids.length
          return report
        }
        const byId = new Map(results.map((x) => [x.client_id, x]))
        await this.update(ids, (r) => {
          const res = byId.get(r.client_id)
          if (!res || res.outcome === 'retry') {
            r.state = 'queued'
            r.reason = res?.reason
            report.retry++
          } else if (res.outcome === 'ok') {
            r.state = 'sent'
            r.reason = undefined
            r.server = res.server
            report.sent++
          } else {
            r.state = 'rejected'
            r.reason = res.reason
            r.server = res.server
            report.rejected++
          }
        })
      }
    }
    return report
  }

  /** cacheGet/cachePut keep small JSON values (questionnaire, assignments) for offline use. */
  async cacheGet<T>(key: string): Promise<T | undefined> {
    const tx = this.db.transaction('cache', 'readonly')
    return (await req(tx.objectStore('cache').get(key))) as T | undefined
  }

  async cachePut(key: string, value: unknown) {
    const tx = this.db.transaction('cache', 'readwrite')
    tx.objectStore('cache').put(structuredCloneSafe(value), key)
    await done(tx)
  }

  close() {
    this.db.close()
  }
}

function toInterview(r: QueueRecord): Interview {
  const iv: Interview = {
    client_id: r.client_id,
    round_id: r.round_id,
    unit: r.unit,
    started_at: r.started_at,
    ended_at: r.ended_at,
    answers: r.answers,
  }
  if (r.gps) iv.gps = r.gps
  return iv
}

// Vue's reactive proxies cannot be stored in IndexedDB; a JSON round trip
// turns them (and any other plain data) into storable objects.
function structuredCloneSafe<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T
}
