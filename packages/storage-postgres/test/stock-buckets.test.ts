import { isLoopError } from '@loopkit/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresStorage } from '../src/index.js'
import { STOCK_BUCKETS } from '../src/stock.js'
import { createTestStorage, dropSchema, event, note, order, sku, uid } from './helpers.js'

// Issue #13: a SKU's stock lives in several rows so concurrent buyers do not queue on one lock.
// What a user observes must not change: totals, "sold out", idempotency, releases.

let storage: PostgresStorage
beforeAll(() => {
  storage = createTestStorage()
})
afterAll(async () => {
  await storage.close()
  await dropSchema(storage.schema)
})

const stockOf = async (id: string) => (await storage.getSku({ id }))!.stock
const buckets = async (id: string) => {
  const { rows } = await storage.pool.query<{ bucket: number; stock: string }>(
    `SELECT bucket, stock FROM "${storage.schema}".sku_stock WHERE sku_id = $1 ORDER BY bucket`,
    [id],
  )
  return rows.map((r) => Number(r.stock))
}
const heldBy = async (orderId: string) => {
  const { rows } = await storage.pool.query<{
    reserved: { skuId: string; quantity: number; bucket: number }[]
  }>(`SELECT reserved FROM "${storage.schema}".orders WHERE id = $1`, [orderId])
  return rows[0]!.reserved
}
const buy = (skuId: string, quantity: number, overrides: Parameters<typeof order>[0] = {}) =>
  storage.createOrder({
    order: order({ skuId, quantity, ...overrides }),
    reserve: [{ skuId, quantity }],
    effects: { events: [event('order.created')] },
  })

describe('stock buckets', () => {
  it('spreads a SKU’s stock evenly and reports the exact total', async () => {
    const duck = await storage.putSku({ sku: sku({ stock: 37 }) })
    expect(duck.stock).toBe(37)
    const split = await buckets(duck.id)
    expect(split).toHaveLength(STOCK_BUCKETS)
    expect(split.reduce((a, b) => a + b, 0)).toBe(37)
    expect(Math.max(...split) - Math.min(...split)).toBeLessThanOrEqual(1)
    // A later put (a boot-time catalogue sync) leaves the stock alone.
    expect(
      (await storage.putSku({ sku: { ...sku({ id: duck.id, stock: 999 }), title: 'Renamed' } })).stock,
    ).toBe(37)
    expect((await storage.listSkus({ activeOnly: false })).find((s) => s.id === duck.id)?.stock).toBe(37)
  })

  it('sells a quantity no single bucket holds, and "sold out" is exact', async () => {
    const duck = await storage.putSku({ sku: sku({ stock: 20 }) }) // at most 2 in any bucket
    await buy(duck.id, 5)
    expect(await stockOf(duck.id)).toBe(15)
    const last = order({ skuId: duck.id, quantity: 15 })
    const refused = await buy(duck.id, 16).catch((e: unknown) => e)
    expect(isLoopError(refused) && refused.code).toBe('out_of_stock')
    expect(await stockOf(duck.id)).toBe(15)
    const before = await buckets(duck.id)
    await storage.createOrder({ order: last, reserve: [{ skuId: duck.id, quantity: 15 }] })
    expect(await buckets(duck.id)).toEqual(Array(STOCK_BUCKETS).fill(0))
    expect((await heldBy(last.id)).reduce((n, t) => n + t.quantity, 0)).toBe(15)
    // Cancelling it puts every unit back where it was taken from.
    await storage.transitionOrder({
      id: last.id,
      from: ['pending'],
      to: 'cancelled',
      releaseStock: true,
      now: 2_000,
    })
    expect(await buckets(duck.id)).toEqual(before)
  })

  it('refuses a buyer only when fewer units than asked were left, under concurrency', async () => {
    const duck = await storage.putSku({ sku: sku({ stock: 40 }) })
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => buy(duck.id, (i % 3) + 1, { customerId: `cus_${i}` })),
    )
    const sold = results.reduce((n, r, i) => n + (r.status === 'fulfilled' ? (i % 3) + 1 : 0), 0)
    const left = (await stockOf(duck.id))!
    expect(left + sold).toBe(40)
    // Stock only went down here, so a refusal of q units means fewer than q were left at the end.
    results.forEach((r, i) => {
      if (r.status === 'rejected') {
        expect(isLoopError(r.reason) && r.reason.code).toBe('out_of_stock')
        expect(left).toBeLessThan((i % 3) + 1)
      }
    })
  })

  it('gives an expired order’s units back to the bucket they came from, once', async () => {
    const duck = await storage.putSku({ sku: sku({ stock: 32 }) })
    const { order: o } = await buy(duck.id, 1)
    const [take] = await heldBy(o.id)
    const before = await buckets(duck.id)
    expect(before[take!.bucket]).toBe(1) // 2 per bucket, one taken
    const expire = () =>
      storage.transitionOrder({ id: o.id, from: ['pending'], to: 'expired', releaseStock: true, now: 2_000 })
    const results = await Promise.all([expire(), expire(), expire()])
    expect(results.filter((r) => r.changed)).toHaveLength(1)
    const after = await buckets(duck.id)
    expect(after[take!.bucket]).toBe(2)
    expect(after.reduce((a, b) => a + b, 0)).toBe(32)
    expect(await heldBy(o.id)).toEqual([])
  })

  it('returns the one order for racing checkouts with the same idempotency key, taking stock once', async () => {
    const duck = await storage.putSku({ sku: sku({ stock: 10 }) })
    const key = uid('key_')
    const twins = Array.from({ length: 12 }, () =>
      storage.createOrder({
        order: order({ skuId: duck.id, customerId: 'cus_twin', idempotencyKey: key }),
        reserve: [{ skuId: duck.id, quantity: 2 }],
        effects: { events: [event('order.created')], outbox: [note(uid('twin:'))] },
      }),
    )
    const results = await Promise.all(twins)
    expect(results.filter((r) => r.created)).toHaveLength(1)
    expect(new Set(results.map((r) => r.order.id)).size).toBe(1)
    expect(await stockOf(duck.id)).toBe(8)
    // A replay after the SKU sold out still returns the order, not "sold out".
    await storage.setStock({ id: duck.id, stock: 0 })
    const replay = await storage.createOrder({
      order: order({ skuId: duck.id, customerId: 'cus_twin', idempotencyKey: key }),
      reserve: [{ skuId: duck.id, quantity: 2 }],
    })
    expect(replay).toEqual({ order: results[0]!.order, created: false })
  })

  it('keeps totals exact while restocks, adjustments and sales run at once', async () => {
    const duck = await storage.putSku({ sku: sku({ stock: 30 }) })
    const sales = Array.from({ length: 30 }, (_, i) => buy(duck.id, 1, { customerId: `cus_r${i}` }))
    const restocks = Array.from({ length: 10 }, () => storage.adjustStock({ id: duck.id, delta: 2 }))
    const results = await Promise.allSettled([...sales, ...restocks])
    expect(results.slice(30).every((r) => r.status === 'fulfilled')).toBe(true)
    const sold = results.slice(0, 30).filter((r) => r.status === 'fulfilled').length
    expect(sold).toBe(30) // 30 units were there from the start
    expect(await stockOf(duck.id)).toBe(20)
    expect((await storage.setStock({ id: duck.id, stock: 5 }))!.stock).toBe(5)
    expect((await buckets(duck.id)).reduce((a, b) => a + b, 0)).toBe(5)
    expect((await storage.setStock({ id: duck.id, stock: null }))!.stock).toBeNull()
    expect(await buckets(duck.id)).toEqual([])
    // An order of an untracked SKU holds nothing, so tracking it later creates no units from it.
    const { order: gift } = await buy(duck.id, 3)
    await storage.setStock({ id: duck.id, stock: 1 })
    await storage.transitionOrder({
      id: gift.id,
      from: ['pending'],
      to: 'cancelled',
      releaseStock: true,
      now: 2_000,
    })
    expect(await stockOf(duck.id)).toBe(1)
  })
})
