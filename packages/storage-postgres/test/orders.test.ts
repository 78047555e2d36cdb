import { isLoopError } from '@loopkit/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresStorage } from '../src/index.js'
import { createTestStorage, dropSchema, event, note, order, sku, uid } from './helpers.js'

let storage: PostgresStorage
beforeAll(() => {
  storage = createTestStorage()
})
afterAll(async () => {
  await storage.close()
  await dropSchema(storage.schema)
})

const stockOf = async (id: string) => (await storage.getSku({ id }))!.stock

describe('createOrder', () => {
  it('never oversells: 60 concurrent buyers of 25 units get exactly 25 orders', async () => {
    const duck = await storage.putSku({ sku: sku({ stock: 25 }) })
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        storage.createOrder({
          order: order({ skuId: duck.id, customerId: `cus_${i}` }),
          reserve: [{ skuId: duck.id, quantity: 1 }],
          effects: { outbox: [note(uid('created:'))] },
        }),
      ),
    )
    const created = results.filter((r) => r.status === 'fulfilled')
    const refused = results.filter((r) => r.status === 'rejected')
    expect(created).toHaveLength(25)
    expect(refused.every((r) => isLoopError(r.reason) && r.reason.code === 'out_of_stock')).toBe(true)
    expect(await stockOf(duck.id)).toBe(0)
    const orders = await storage.listOrders({ limit: 1000 })
    expect(orders.filter((o) => o.lines[0]!.skuId === duck.id)).toHaveLength(25)
  })

  it('changes nothing when one line of several cannot be reserved', async () => {
    const a = await storage.putSku({ sku: sku({ id: 'a_multi', stock: 5 }) })
    const b = await storage.putSku({ sku: sku({ id: 'b_multi', stock: 1 }) })
    const o = order({ skuId: a.id, quantity: 2 })
    const error = await storage
      .createOrder({
        order: o,
        reserve: [
          { skuId: a.id, quantity: 2 },
          { skuId: b.id, quantity: 2 },
        ],
        effects: { events: [event('order.created')], outbox: [note(uid('multi:'))] },
      })
      .catch((e: unknown) => e)
    expect(isLoopError(error) && error.code).toBe('out_of_stock')
    expect(await stockOf(a.id)).toBe(5)
    expect(await stockOf(b.id)).toBe(1)
    expect(await storage.getOrder({ id: o.id })).toBeNull()
    expect(await storage.listNotifications({ limit: 100 })).not.toContainEqual(
      expect.objectContaining({ customerId: o.customerId, dedupeKey: expect.stringMatching(/^multi:/) }),
    )
  })

  it('returns the first order for a repeated idempotency key, reserving once even when the repeats race', async () => {
    const duck = await storage.putSku({ sku: sku({ stock: 10 }) })
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        storage.createOrder({
          order: order({ skuId: duck.id, customerId: 'cus_idem', idempotencyKey: 'tap-once' }),
          reserve: [{ skuId: duck.id, quantity: 3 }],
        }),
      ),
    )
    expect(results.filter((r) => r.created)).toHaveLength(1)
    expect(new Set(results.map((r) => r.order.id)).size).toBe(1)
    expect(await stockOf(duck.id)).toBe(7)
  })

  it('does not count stock for SKUs that do not track it', async () => {
    const gift = await storage.putSku({ sku: sku({ stock: null }) })
    const { created } = await storage.createOrder({
      order: order({ skuId: gift.id }),
      reserve: [{ skuId: gift.id, quantity: 1000 }],
    })
    expect(created).toBe(true)
    expect(await stockOf(gift.id)).toBeNull()
  })
})

describe('transitionOrder', () => {
  it('lets exactly one of several racing transitions win and returns stock once', async () => {
    const duck = await storage.putSku({ sku: sku({ stock: 4 }) })
    const { order: o } = await storage.createOrder({
      order: order({ skuId: duck.id, quantity: 3 }),
      reserve: [{ skuId: duck.id, quantity: 3 }],
    })
    expect(await stockOf(duck.id)).toBe(1)
    const results = await Promise.all(
      (['expired', 'cancelled', 'expired', 'cancelled'] as const).map((to, i) =>
        storage.transitionOrder({
          id: o.id,
          from: ['pending'],
          to,
          releaseStock: true,
          now: 2_000 + i,
          effects: { events: [event(`order.${to}`, { orderId: o.id })] },
        }),
      ),
    )
    expect(results.filter((r) => r.changed)).toHaveLength(1)
    expect(await stockOf(duck.id)).toBe(4)
    const winner = results.find((r) => r.changed)!.order!
    expect((await storage.getOrder({ id: o.id }))!.status).toBe(winner.status)
    const events = await storage.listEvents({ orderId: o.id, limit: 10 })
    expect(events.map((e) => e.type)).toEqual([`order.${winner.status}`])
  })

  it('returns the current order unchanged when the status does not match', async () => {
    const { order: o } = await storage.createOrder({ order: order(), reserve: [] })
    const out = await storage.transitionOrder({ id: o.id, from: ['paid'], to: 'fulfilled', now: 5_000 })
    expect(out).toEqual({ order: o, changed: false })
    expect(
      await storage.transitionOrder({ id: 'ord_missing', from: ['paid'], to: 'fulfilled', now: 1 }),
    ).toEqual({
      order: null,
      changed: false,
    })
  })

  it('applies a patch with the status', async () => {
    const { order: o } = await storage.createOrder({ order: order(), reserve: [] })
    const { order: paid } = await storage.transitionOrder({
      id: o.id,
      from: ['pending'],
      to: 'paid',
      patch: { providerRef: 'wx-4200', paidAt: 7_000 },
      now: 7_000,
    })
    expect(paid).toEqual({ ...o, status: 'paid', providerRef: 'wx-4200', paidAt: 7_000, updatedAt: 7_000 })
  })
})

describe('listOrders', () => {
  it('pages newest first with `before`', async () => {
    const mine = [3_000, 1_000, 2_000].map((t) => order({ customerId: 'cus_pages', createdAt: t }))
    for (const o of mine) await storage.createOrder({ order: o, reserve: [] })
    const first = await storage.listOrders({ customerId: 'cus_pages', limit: 2 })
    expect(first.map((o) => o.createdAt)).toEqual([3_000, 2_000])
    const last = first[1]!
    const next = await storage.listOrders({ customerId: 'cus_pages', limit: 2, before: last })
    expect(next.map((o) => o.createdAt)).toEqual([1_000])
  })
})
