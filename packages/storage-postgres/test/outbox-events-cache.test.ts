import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { PostgresStorage } from '../src/index.js'
import { createTestStorage, dropSchema, event, note, uid } from './helpers.js'

let storage: PostgresStorage
beforeAll(() => {
  storage = createTestStorage()
})
afterAll(async () => {
  await storage.close()
  await dropSchema(storage.schema)
})

describe('outbox', () => {
  // Claims see every due row in the schema, so each outbox test gets a schema of its own.
  let outer: PostgresStorage
  beforeEach(() => {
    outer = storage
    storage = createTestStorage()
  })
  afterEach(async () => {
    await storage.close()
    await dropSchema(storage.schema)
    storage = outer
  })

  it('never hands the same row to two concurrent claimers', async () => {
    const keys = Array.from({ length: 120 }, () => uid('claim:'))
    expect(
      await storage.enqueueNotifications({ notifications: keys.map((k) => note(k)), now: 1_000 }),
    ).toEqual({
      inserted: 120,
    })
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        storage.claimNotifications({ now: 1_000, limit: 25, leaseMs: 60_000, leaseToken: `lease-${i}` }),
      ),
    )
    const ids = claims.flat().map((n) => n.id)
    expect(ids).toHaveLength(120)
    expect(new Set(ids).size).toBe(120)
    for (const [i, batch] of claims.entries()) {
      expect(batch.every((n) => n.leaseToken === `lease-${i}` && n.leaseUntil === 61_000)).toBe(true)
    }
  })

  it('skips a dedupe key that already exists', async () => {
    const key = uid('dedupe:')
    expect(await storage.enqueueNotifications({ notifications: [note(key), note(key)], now: 1 })).toEqual({
      inserted: 1,
    })
    expect(await storage.enqueueNotifications({ notifications: [note(key)], now: 2 })).toEqual({
      inserted: 0,
    })
  })

  it('ignores a completion from a dispatcher whose lease was taken over', async () => {
    const key = uid('lease:')
    await storage.enqueueNotifications({ notifications: [note(key, { nextAttemptAt: 5_000_000 })], now: 1 })
    const [mine] = await storage.claimNotifications({
      now: 5_000_000,
      limit: 1,
      leaseMs: 1_000,
      leaseToken: 'slow',
    })
    expect(mine?.dedupeKey).toBe(key)
    // Still leased: nobody else gets it.
    expect(
      await storage.claimNotifications({ now: 5_000_500, limit: 10, leaseMs: 1_000, leaseToken: 'x' }),
    ).toEqual([])
    // Lease ran out: another dispatcher takes it over.
    const [theirs] = await storage.claimNotifications({
      now: 5_001_000,
      limit: 1,
      leaseMs: 1_000,
      leaseToken: 'fast',
    })
    expect(theirs).toMatchObject({ id: mine!.id, attempts: 2, leaseToken: 'fast' })
    const late = await storage.completeNotification({
      id: mine!.id,
      leaseToken: 'slow',
      outcome: { status: 'sent', providerMessageId: 'm-slow' },
      now: 5_001_100,
    })
    expect(late).toEqual({ changed: false })
    const done = await storage.completeNotification({
      id: mine!.id,
      leaseToken: 'fast',
      outcome: { status: 'sent', providerMessageId: 'm-fast' },
      now: 5_001_200,
    })
    expect(done).toEqual({ changed: true })
    const [row] = (await storage.listNotifications({ status: 'sent', limit: 1000 })).filter(
      (n) => n.id === mine!.id,
    )
    expect(row).toMatchObject({ providerMessageId: 'm-fast', leaseToken: null, leaseUntil: null })
  })

  it('schedules a retry and dead-letters', async () => {
    const key = uid('retry:')
    await storage.enqueueNotifications({ notifications: [note(key, { nextAttemptAt: 7_000_000 })], now: 1 })
    const [n] = await storage.claimNotifications({
      now: 7_000_000,
      limit: 1,
      leaseMs: 1_000,
      leaseToken: 't1',
    })
    await storage.completeNotification({
      id: n!.id,
      leaseToken: 't1',
      outcome: { status: 'retry', error: 'busy', nextAttemptAt: 7_000_500 },
      now: 7_000_010,
    })
    expect(
      await storage.claimNotifications({ now: 7_000_100, limit: 1, leaseMs: 1_000, leaseToken: 't2' }),
    ).toEqual([])
    const [again] = await storage.claimNotifications({
      now: 7_000_500,
      limit: 1,
      leaseMs: 1_000,
      leaseToken: 't3',
    })
    expect(again).toMatchObject({ id: n!.id, attempts: 2, lastError: 'busy' })
    await storage.completeNotification({
      id: n!.id,
      leaseToken: 't3',
      outcome: { status: 'dead', error: 'gone' },
      now: 1,
    })
    const dead = (await storage.listNotifications({ status: 'dead', limit: 100 })).find((x) => x.id === n!.id)
    expect(dead).toMatchObject({ status: 'dead', lastError: 'gone' })
  })
})

describe('events', () => {
  it('assigns increasing seq and lets a reader paging by seq see every event exactly once', async () => {
    const seen: number[] = []
    let after = 0
    let writing = true
    // Writers and a tailing reader run at the same time: a reader that trusted raw bigserial
    // order would skip a seq handed out before, but committed after, one it already passed.
    const reader = (async () => {
      for (;;) {
        // Only a page asked for after the last write returned may end the loop.
        const finished = !writing
        const page = await storage.listEvents({ after, types: ['tail.test'], limit: 50 })
        for (const e of page) seen.push(e.seq)
        after = page.at(-1)?.seq ?? after
        if (finished && page.length === 0) break
      }
    })()
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        storage.appendEvents({
          events: Array.from({ length: 5 }, (_, j) => event('tail.test', { data: { i, j } })),
        }),
      ),
    )
    writing = false
    await reader
    expect(seen).toHaveLength(200)
    expect([...seen].sort((a, b) => a - b)).toEqual(seen)
    expect(new Set(seen).size).toBe(200)
  })

  it('filters by type, customer and order', async () => {
    await storage.appendEvents({
      events: [
        event('share.created', { customerId: 'cus_ev', data: { n: 1 } }),
        event('order.paid', { customerId: 'cus_ev', orderId: 'ord_ev' }),
      ],
    })
    expect((await storage.listEvents({ customerId: 'cus_ev', limit: 10 })).map((e) => e.type)).toEqual([
      'share.created',
      'order.paid',
    ])
    const [paid] = await storage.listEvents({ orderId: 'ord_ev', types: ['order.paid'], limit: 10 })
    expect(paid).toMatchObject({ type: 'order.paid', customerId: 'cus_ev', orderId: 'ord_ev', data: {} })
  })
})

describe('cache', () => {
  it('grants an ifAbsent lock to exactly one of many instances, and again once it expires', async () => {
    const tries = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        storage.cacheSet({ key: 'lock:token', value: `i${i}`, ttlMs: 1_000, now: 10_000, ifAbsent: true }),
      ),
    )
    expect(tries.filter((t) => t.stored)).toHaveLength(1)
    const holder = await storage.cacheGet({ key: 'lock:token', now: 10_500 })
    expect(await storage.cacheDelete({ key: 'lock:token', ifValue: 'someone-else' })).toEqual({
      deleted: false,
    })
    expect(await storage.cacheGet({ key: 'lock:token', now: 11_000 })).toBeNull()
    expect(
      await storage.cacheSet({ key: 'lock:token', value: 'next', ttlMs: 1_000, now: 11_000, ifAbsent: true }),
    ).toEqual({
      stored: true,
    })
    expect(holder).toMatch(/^i\d+$/)
    expect(await storage.cacheDelete({ key: 'lock:token', ifValue: 'next' })).toEqual({ deleted: true })
  })

  it('overwrites without ifAbsent', async () => {
    await storage.cacheSet({ key: 'tok', value: 'a', ttlMs: 100, now: 0 })
    await storage.cacheSet({ key: 'tok', value: 'b', ttlMs: 100, now: 1 })
    expect(await storage.cacheGet({ key: 'tok', now: 50 })).toBe('b')
  })
})
