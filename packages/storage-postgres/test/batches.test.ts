import type { Payment } from '@loopkit/core'
import { isLoopError } from '@loopkit/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresStorage } from '../src/index.js'
import { createTestStorage, dropSchema, event, note, order, sku, uid } from './helpers.js'

// Calls made in the same turn of the event loop share one statement (src/_internal/batch.ts).
// These cases put mixed calls in one batch and check that each caller gets what its own
// statement would have given it, and that a batch statement actually ran.

let storage: PostgresStorage
let other: PostgresStorage // a second instance on the same schema, as another app process
const sent: string[] = []
beforeAll(() => {
  storage = createTestStorage()
  other = createTestStorage(storage.schema)
  const query = storage.pool.query.bind(storage.pool) as (...args: unknown[]) => unknown
  storage.pool.query = ((...args: unknown[]) => {
    const config = args[0] as string | { text: string }
    sent.push(typeof config === 'string' ? config : config.text)
    return query(...args)
  }) as typeof storage.pool.query
})
afterAll(async () => {
  await storage.close()
  await other.close()
  await dropSchema(storage.schema)
})

/** How many batch statements (over a JSON list of operations) were sent since `from`. */
const batches = (from: number) => sent.slice(from).filter((t) => t.includes('jsonb_to_recordset')).length
const buckets = async (skuId: string) => {
  const { rows } = await storage.pool.query<{ bucket: number; stock: string }>(
    `SELECT bucket, stock FROM "${storage.schema}".sku_stock WHERE sku_id = $1 ORDER BY bucket`,
    [skuId],
  )
  return rows.map((r) => Number(r.stock))
}
const customer = async () =>
  (
    await storage.upsertCustomer({
      id: uid('cus_'),
      profile: { provider: 'sandbox', subject: uid('s') },
      now: 1,
    })
  ).customer.id

describe('reads arriving together', () => {
  it('answers each caller its own row, and fails only the caller whose value the database refuses', async () => {
    const [a, b] = [await customer(), await customer()]
    const from = sent.length
    const [ra, missing, rb, bad] = await Promise.allSettled([
      storage.getCustomer({ id: a }),
      storage.getCustomer({ id: 'cus_nobody' }),
      storage.getCustomer({ id: b }),
      storage.lastVisit({ customerId: a, since: 1.5 }), // not an integer: refused as a bigint
    ])
    expect(sent.slice(from).some((t) => t.includes('WITH ORDINALITY AS _b'))).toBe(true)
    expect(ra).toMatchObject({ status: 'fulfilled', value: { id: a } })
    expect(missing).toEqual({ status: 'fulfilled', value: null })
    expect(rb).toMatchObject({ status: 'fulfilled', value: { id: b } })
    expect(bad.status).toBe('rejected')
    const [ok, refused] = await Promise.allSettled([
      storage.lastVisit({ customerId: a, since: 0 }),
      storage.lastVisit({ customerId: b, since: 2.5 }),
    ])
    expect(ok).toEqual({ status: 'fulfilled', value: null })
    expect(refused.status).toBe('rejected')
  })
})

describe('checkouts arriving together', () => {
  it('answers each as alone: created, the same order for a repeated key, sold out, limit, untracked', async () => {
    const duck = await storage.putSku({ sku: sku({ stock: 40 }) })
    const limited = await storage.putSku({ sku: sku({ stock: 10, limitPerCustomer: 1 }) })
    const gift = await storage.putSku({ sku: sku({ stock: null }) })
    const create = (skuId: string, quantity: number, over: Parameters<typeof order>[0] = {}) =>
      storage.createOrder({
        order: order({ skuId, quantity, ...over }),
        reserve: [{ skuId, quantity }],
        effects: { events: [event('order.created')] },
      })
    const from = sent.length
    const results = await Promise.allSettled([
      create(duck.id, 3, { customerId: 'cus_a', idempotencyKey: 'tap-1' }),
      create(duck.id, 3, { customerId: 'cus_a', idempotencyKey: 'tap-1' }),
      create(duck.id, 1, { customerId: 'cus_b' }),
      create('no-such-sku', 1),
      create(limited.id, 1, { customerId: 'cus_c' }),
      create(limited.id, 1, { customerId: 'cus_c' }),
      create(gift.id, 500),
      storage.createOrder({ order: order(), reserve: [] }),
    ])
    expect(batches(from)).toBeGreaterThanOrEqual(1)
    const value = (i: number) =>
      (results[i] as PromiseFulfilledResult<{ order: { id: string }; created: boolean }>).value
    const code = (i: number) => {
      const r = results[i]!
      return r.status === 'rejected' && isLoopError(r.reason) ? r.reason.code : r.status
    }
    expect([value(0).created, value(1).created]).toEqual([true, false])
    expect(value(1).order.id).toBe(value(0).order.id)
    expect(code(2)).toBe('fulfilled')
    expect(code(3)).toBe('out_of_stock')
    expect([code(4), code(5)].sort()).toEqual(['fulfilled', 'limit_exceeded'])
    expect(code(6)).toBe('fulfilled')
    expect(code(7)).toBe('fulfilled')
    expect((await storage.getSku({ id: duck.id }))!.stock).toBe(36)
    expect((await storage.getSku({ id: limited.id }))!.stock).toBe(9)
  })

  it('sells exactly the units left when the batch wants more than its buckets hold, and takes each from its bucket', async () => {
    const duck = await storage.putSku({ sku: sku({ stock: 7 }) }) // 7 buckets of 1 unit
    const orders = Array.from({ length: 12 }, (_, i) => order({ skuId: duck.id, customerId: `cus_${i}` }))
    const from = sent.length
    const results = await Promise.allSettled(
      orders.map((o) => storage.createOrder({ order: o, reserve: [{ skuId: duck.id, quantity: 1 }] })),
    )
    expect(batches(from)).toBeGreaterThanOrEqual(1)
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(7)
    expect(
      results.every(
        (r) => r.status === 'fulfilled' || (isLoopError(r.reason) && r.reason.code === 'out_of_stock'),
      ),
    ).toBe(true)
    expect(await buckets(duck.id)).toEqual(Array(16).fill(0))
  })

  it('gives expired and cancelled orders their units back into the buckets they came from', async () => {
    const duck = await storage.putSku({ sku: sku({ stock: 160 }) }) // 10 a bucket
    const before = await buckets(duck.id)
    const orders = Array.from({ length: 9 }, (_, i) =>
      order({ skuId: duck.id, quantity: 3, customerId: `cus_${i}` }),
    )
    await Promise.all(
      orders.map((o) => storage.createOrder({ order: o, reserve: [{ skuId: duck.id, quantity: 3 }] })),
    )
    const taken = await buckets(duck.id)
    expect(taken.reduce((a, b) => a + b, 0)).toBe(160 - 27)
    // What each order holds is what left each bucket.
    const { rows } = await storage.pool.query<{ reserved: { bucket: number; quantity: number }[] }>(
      `SELECT reserved FROM "${storage.schema}".orders WHERE id = ANY($1)`,
      [orders.map((o) => o.id)],
    )
    const held = Array(16).fill(0)
    for (const r of rows) for (const t of r.reserved) held[t.bucket] += Number(t.quantity)
    expect(taken.map((n, b) => n + held[b])).toEqual(before)
    await Promise.all(
      orders.map((o, i) =>
        storage.transitionOrder({
          id: o.id,
          from: ['pending'],
          to: i % 2 ? 'expired' : 'cancelled',
          releaseStock: true,
          now: 5_000,
        }),
      ),
    )
    expect(await buckets(duck.id)).toEqual(before)
  })

  it('lets two instances race the same idempotency keys: one order and one reservation per key', async () => {
    const duck = await storage.putSku({ sku: sku({ stock: 100 }) })
    const keys = Array.from({ length: 10 }, (_, i) => `race-${i}`)
    const run = (s: PostgresStorage) =>
      Promise.all(
        keys.map((k) =>
          s.createOrder({
            order: order({ skuId: duck.id, customerId: 'cus_race', idempotencyKey: k }),
            reserve: [{ skuId: duck.id, quantity: 2 }],
          }),
        ),
      )
    const [a, b] = await Promise.all([run(storage), run(other)])
    keys.forEach((_, i) => {
      expect(a[i]!.order.id).toBe(b[i]!.order.id)
      expect(Number(a[i]!.created) + Number(b[i]!.created)).toBe(1)
    })
    expect((await storage.getSku({ id: duck.id }))!.stock).toBe(80)
  })
})

const payment = (orderId: string): Payment => ({
  id: `pay_${orderId}`,
  orderId,
  provider: 'sandbox',
  providerRef: `ref-${orderId}`,
  amount: 8800,
  currency: 'CNY',
  status: 'pending',
  createdAt: 1_500,
  updatedAt: 1_500,
})
const pay = (s: PostgresStorage, orderId: string, eventId = `evt-${orderId}`) =>
  s.markPaid({
    orderId,
    delivery: { provider: 'sandbox', eventId, receivedAt: 2_000 },
    payment: payment(orderId),
    now: 2_000,
    effects: { events: [event('order.paid', { orderId })], outbox: [note(`order.paid:${orderId}`)] },
  })

describe('payments arriving together', () => {
  it('pays each once, counts each customer once per order, and writes effects only for what moved', async () => {
    const [c1, c2] = [await customer(), await customer()]
    const orders = [c1, c1, c1, c2, c2, c2].map((customerId) => order({ customerId }))
    for (const o of orders) await storage.createOrder({ order: o, reserve: [] })
    const expired = order({ customerId: c2 })
    await storage.createOrder({ order: expired, reserve: [] })
    await storage.transitionOrder({ id: expired.id, from: ['pending'], to: 'expired', now: 1_800 })
    const from = sent.length
    const results = await Promise.all([
      ...orders.map((o) => pay(storage, o.id)),
      pay(storage, orders[0]!.id), // the same delivery again
      pay(storage, orders[1]!.id, 'another-delivery'), // a second delivery for a paid order
      pay(storage, expired.id),
    ])
    expect(batches(from)).toBeGreaterThanOrEqual(1)
    expect(results.slice(0, 6).every((r) => r.changed && r.order?.status === 'paid')).toBe(true)
    expect(results[6]).toMatchObject({ changed: false, duplicate: true })
    expect(results[7]).toMatchObject({ changed: false, duplicate: false, order: { status: 'paid' } })
    expect(results[8]).toMatchObject({ changed: false, order: { status: 'expired' } })
    const { rows } = await storage.pool.query<{
      id: string
      order_count: number
      orders: number
      spent: string
    }>(
      `SELECT c.id, c.order_count, s.orders, s.spent FROM "${storage.schema}".customers c
       JOIN "${storage.schema}".customer_stats s ON s.customer_id = c.id WHERE c.id = ANY($1) ORDER BY c.id`,
      [[c1, c2]],
    )
    expect(rows.map((r) => [Number(r.order_count), Number(r.orders), Number(r.spent)])).toEqual([
      [3, 3, 3 * 8800],
      [3, 3, 3 * 8800],
    ])
    const outbox = await storage.listNotifications({ limit: 1000 })
    for (const o of orders) expect(outbox.filter((n) => n.dedupeKey === `order.paid:${o.id}`)).toHaveLength(1)
    expect(outbox.filter((n) => n.dedupeKey === `order.paid:${expired.id}`)).toHaveLength(0)
    for (const o of orders) expect(await storage.listPayments({ orderId: o.id })).toHaveLength(1)
  })

  it('lets two instances pay orders of the same customers at once without waiting on each other in a cycle', async () => {
    const people = [await customer(), await customer(), await customer()]
    const orders = Array.from({ length: 30 }, (_, i) => order({ customerId: people[i % 3]! }))
    for (const o of orders) await storage.createOrder({ order: o, reserve: [] })
    // Each instance pays every order (the provider retrying to two app processes): both batches
    // lock the same orders and customers; each order is paid exactly once.
    const [a, b] = await Promise.all([
      Promise.all(orders.map((o) => pay(storage, o.id))),
      Promise.all([...orders].reverse().map((o) => pay(other, o.id))),
    ])
    orders.forEach((_, i) => {
      expect(Number(a[i]!.changed) + Number(b[orders.length - 1 - i]!.changed)).toBe(1)
    })
    const { rows } = await storage.pool.query<{ order_count: number }>(
      `SELECT order_count FROM "${storage.schema}".customers WHERE id = ANY($1)`,
      [people],
    )
    expect(rows.map((r) => Number(r.order_count))).toEqual([10, 10, 10])
  })
})
