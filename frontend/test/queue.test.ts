import { afterEach, describe, expect, it } from 'vitest'
import { Queue, type Interview, type SendResult } from '../src/lib/queue'
import { uuid, UUID_RE } from '../src/lib/uuid'

let n = 0
const dbs: Queue[] = []
async function fresh(): Promise<{ q: Queue; name: string }> {
  const name = `test-queue-${++n}`
  const q = await Queue.open(name)
  dbs.push(q)
  return { q, name }
}
afterEach(() => {
  for (const q of dbs.splice(0)) q.close()
})

function interview(round = 'r1'): Interview {
  return {
    client_id: uuid(),
    round_id: round,
    unit: 'D01-S01-C01',
    started_at: '2026-03-01T09:00:00Z',
    ended_at: '2026-03-01T09:06:00Z',
    gps: { lat: 27.8, lon: 113.1, accuracy: 12 },
    answers: { sat: '4' },
  }
}

// fakeServer stores interviews by client_id the way the portal does: the
// same UUID with the same content is the stored result, different content
// is a conflict.
function fakeServer() {
  const stored = new Map<string, string>()
  let calls = 0
  let offline = false
  const send = async (_round: string, batch: Interview[]): Promise<SendResult[]> => {
    calls++
    if (offline) throw new Error('network down')
    return batch.map((iv) => {
      const body = JSON.stringify(iv)
      const prev = stored.get(iv.client_id)
      if (prev !== undefined && prev !== body) return { client_id: iv.client_id, outcome: 'rejected', reason: 'conflict' }
      stored.set(iv.client_id, body)
      return { client_id: iv.client_id, outcome: 'ok' }
    })
  }
  return {
    send,
    stored,
    get calls() {
      return calls
    },
    setOffline(v: boolean) {
      offline = v
    },
  }
}

describe('uuid', () => {
  it('makes distinct v4 UUIDs', () => {
    const a = uuid()
    const b = uuid()
    expect(a).toMatch(UUID_RE)
    expect(a).not.toBe(b)
  })
})

describe('offline queue', () => {
  it('keeps interviews queued while offline and sends each exactly once when back online', async () => {
    const { q } = await fresh()
    const srv = fakeServer()
    srv.setOffline(true)
    const a = interview()
    const b = interview()
    await q.add(a)
    await q.add(b)
    const r1 = await q.sync(srv.send)
    expect(r1).toEqual({ sent: 0, rejected: 0, retry: 2, offline: true })
    expect(await q.counts()).toEqual({ queued: 2, sending: 0, sent: 0, rejected: 0 })
    expect((await q.get(a.client_id))!.reason).toBe('network down')

    srv.setOffline(false)
    const r2 = await q.sync(srv.send)
    expect(r2).toEqual({ sent: 2, rejected: 0, retry: 0, offline: false })
    expect(srv.stored.size).toBe(2)
    expect(await q.counts()).toEqual({ queued: 0, sending: 0, sent: 2, rejected: 0 })

    // Nothing left to send: a further sync sends nothing.
    const calls = srv.calls
    await q.sync(srv.send)
    expect(srv.calls).toBe(calls)
    expect(srv.stored.size).toBe(2)
  })

  it('survives closing and reopening the database', async () => {
    const { q, name } = await fresh()
    const a = interview()
    await q.add(a)
    q.close()
    const q2 = await Queue.open(name)
    dbs.push(q2)
    const list = await q2.list()
    expect(list.map((r) => r.client_id)).toEqual([a.client_id])
    expect(list[0].state).toBe('queued')
    expect(list[0].answers).toEqual({ sat: '4' })
  })

  it('recovers records cut off mid-send and resends them under the same UUID', async () => {
    const { q, name } = await fresh()
    const srv = fakeServer()
    const a = interview()
    await q.add(a)
    // The request reaches the server but the tab dies before the answer.
    let hang!: () => void
    const stuck = q.sync(async (round, batch) => {
      await srv.send(round, batch)
      await new Promise<void>((r) => (hang = r))
      throw new Error('tab closed')
    })
    await new Promise((r) => setTimeout(r, 20))
    expect((await q.get(a.client_id))!.state).toBe('sending')
    // A new tab opens the queue: the record is queued again.
    const q2 = await Queue.open(name)
    dbs.push(q2)
    expect((await q2.get(a.client_id))!.state).toBe('queued')
    const r = await q2.sync(srv.send)
    expect(r.sent).toBe(1)
    expect(srv.stored.size).toBe(1)
    hang()
    await stuck
  })

  it('runs one sync at a time: concurrent calls share it', async () => {
    const { q } = await fresh()
    const srv = fakeServer()
    await q.add(interview())
    await q.add(interview())
    const [r1, r2] = await Promise.all([q.sync(srv.send), q.sync(srv.send)])
    expect(r1).toBe(r2)
    expect(srv.calls).toBe(1)
    expect(srv.stored.size).toBe(2)
  })

  it('marks refused interviews rejected with the reason and keeps them', async () => {
    const { q } = await fresh()
    const a = interview()
    const b = interview()
    await q.add(a)
    await q.add(b)
    const r = await q.sync(async (_round, batch) =>
      batch.map((iv) => (iv.client_id === a.client_id ? { client_id: iv.client_id, outcome: 'rejected' as const, reason: '轮次已结束' } : { client_id: iv.client_id, outcome: 'ok' as const })),
    )
    expect(r).toEqual({ sent: 1, rejected: 1, retry: 0, offline: false })
    const ra = (await q.get(a.client_id))!
    expect(ra.state).toBe('rejected')
    expect(ra.reason).toBe('轮次已结束')
    await q.requeue(a.client_id)
    expect((await q.get(a.client_id))!.state).toBe('queued')
  })

  it('leaves an interview the server did not answer for in the queue', async () => {
    const { q } = await fresh()
    await q.add(interview())
    const r = await q.sync(async () => [])
    expect(r.retry).toBe(1)
    expect((await q.counts()).queued).toBe(1)
  })

  it('batches per round and by size', async () => {
    const { q } = await fresh()
    for (let i = 0; i < 5; i++) await q.add(interview('r1'))
    await q.add(interview('r2'))
    const seen: [string, number][] = []
    await q.sync(async (round, batch) => {
      seen.push([round, batch.length])
      return batch.map((iv) => ({ client_id: iv.client_id, outcome: 'ok' as const }))
    }, 2)
    expect(seen).toEqual([
      ['r1', 2],
      ['r1', 2],
      ['r1', 1],
      ['r2', 1],
    ])
  })

  it('adds an interview only once per UUID', async () => {
    const { q } = await fresh()
    const a = interview()
    await q.add(a)
    await q.add({ ...a, answers: { sat: '1' } })
    const list = await q.list()
    expect(list).toHaveLength(1)
    expect(list[0].answers).toEqual({ sat: '4' })
  })

  it('sends the interview without queue bookkeeping', async () => {
    const { q } = await fresh()
    const a = interview()
    await q.add(a)
    let sent: Interview[] = []
    await q.sync(async (_r, batch) => {
      sent = batch
      return batch.map((iv) => ({ client_id: iv.client_id, outcome: 'ok' as const }))
    })
    expect(sent).toEqual([a])
  })

  it('caches JSON values for offline use', async () => {
    const { q } = await fresh()
    await q.cachePut('questionnaire:r1', { items: [{ id: 'a' }] })
    expect(await q.cacheGet('questionnaire:r1')).toEqual({ items: [{ id: 'a' }] })
    expect(await q.cacheGet('nothing')).toBeUndefined()
  })
})

describe('server outcomes', async () => {
  const { outcomeOf } = await import('../src/api/survey')
  const cases: [string, Parameters<typeof outcomeOf>[0], string][] = [
    ['created is sent', { client_id: 'a', status: 201, outcome: 'created' }, 'ok'],
    ['a retry of a stored response is sent, not duplicated', { client_id: 'a', status: 200, outcome: 'duplicate' }, 'ok'],
    ['invalid is rejected', { client_id: 'a', status: 400, outcome: 'invalid', error: { code: 'invalid', message: '答卷无效', fields: { 'answers.q1': '必答题' } } }, 'rejected'],
    ['conflict (same UUID, other content) is rejected', { client_id: 'a', status: 409, outcome: 'conflict', error: { code: 'conflict', message: 'conflict' } }, 'rejected'],
    ['forbidden is rejected', { client_id: 'a', status: 403, outcome: 'forbidden', error: { code: 'forbidden', message: 'no' } }, 'rejected'],
    ['server trouble is retried', { client_id: 'a', status: 500, outcome: 'internal', error: { code: 'internal', message: 'x' } }, 'retry'],
  ]
  for (const [name, o, want] of cases) {
    it(name, () => expect(outcomeOf(o).outcome).toBe(want))
  }
  it('names the failing fields in the reason', () => {
    expect(outcomeOf(cases[2][1]).reason).toBe('答卷无效; answers.q1: 必答题')
  })
})
