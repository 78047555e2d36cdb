import type { Order } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { expectLoopError, type SuiteContext, written } from './context.js'
import { event, notification, order, sku, T0 } from './fixtures.js'

export function orderCases(ctx: SuiteContext): void {
  const stockOf = async (skuId: string) => (await ctx.storage.getSku({ id: skuId }))?.stock

  describe('orders', () => {
    it('creates an order, reserves its stock and finds it by id and number', async () => {
      const s = sku({ stock: 10 })
      await ctx.storage.putSku({ sku: s })
      const { order: o, reserve } = order({ sku: s, quantity: 3 })
      const result = await ctx.storage.createOrder({ order: o, reserve })
      expect(result).toEqual({ order: o, created: true })
      expect(await stockOf(s.id)).toBe(7)
      expect(await ctx.storage.getOrder({ id: o.id })).toEqual(o)
      expect(await ctx.storage.getOrderByNumber({ number: o.number })).toEqual(o)
      expect(await ctx.storage.getOrder({ id: 'ord_missing' })).toBeNull()
      expect(await ctx.storage.getOrderByNumber({ number: 'NOPE000000' })).toBeNull()
    })

    it('refuses an order it cannot reserve and changes nothing', async () => {
      const s = sku({ stock: 2 })
      await ctx.storage.putSku({ sku: s })
      const { order: o, reserve } = order({ sku: s, quantity: 3 })
      await expectLoopError(
        ctx.storage.createOrder({
          order: o,
          reserve,
          effects: { events: [event()], outbox: [notification()] },
        }),
        'out_of_stock',
      )
      expect(await stockOf(s.id)).toBe(2)
      expect(await ctx.storage.getOrder({ id: o.id })).toBeNull()
      expect(await written(ctx.storage)).toEqual({ events: [], outbox: [] })
    })

    it('reserves every line or none', async () => {
      const plenty = sku({ stock: 10 })
      const scarce = sku({ stock: 1 })
      await ctx.storage.putSku({ sku: plenty })
      await ctx.storage.putSku({ sku: scarce })
      const { order: o } = order({ sku: plenty, quantity: 2 })
      const reserve = [
        { skuId: plenty.id, quantity: 2 },
        { skuId: scarce.id, quantity: 2 },
      ]
      await expectLoopError(ctx.storage.createOrder({ order: o, reserve }), 'out_of_stock')
      expect(await stockOf(plenty.id)).toBe(10)
      expect(await stockOf(scarce.id)).toBe(1)
    })

    it('adds up several reservations of the same SKU', async () => {
      const s = sku({ stock: 3 })
      await ctx.storage.putSku({ sku: s })
      const { order: o } = order({ sku: s, quantity: 4 })
      const reserve = [
        { skuId: s.id, quantity: 2 },
        { skuId: s.id, quantity: 2 },
      ]
      await expectLoopError(ctx.storage.createOrder({ order: o, reserve }), 'out_of_stock')
      expect(await stockOf(s.id)).toBe(3)
    })

    it('treats an unknown SKU as out of stock', async () => {
      const s = sku()
      const { order: o, reserve } = order({ sku: s })
      await expectLoopError(ctx.storage.createOrder({ order: o, reserve }), 'out_of_stock')
    })

    it('refuses non-positive quantities instead of adding stock', async () => {
      const s = sku({ stock: 5 })
      await ctx.storage.putSku({ sku: s })
      for (const quantity of [0, -3, 1.5]) {
        const { order: o } = order({ sku: s })
        await expectLoopError(
          ctx.storage.createOrder({ order: o, reserve: [{ skuId: s.id, quantity }] }),
          'invalid_input',
        )
      }
      expect(await stockOf(s.id)).toBe(5)
    })

    it('sells untracked stock without limit', async () => {
      const s = sku({ stock: null })
      await ctx.storage.putSku({ sku: s })
      const { order: o, reserve } = order({ sku: s, quantity: 1000 })
      expect((await ctx.storage.createOrder({ order: o, reserve })).created).toBe(true)
      expect(await stockOf(s.id)).toBeNull()
    })

    it('returns the same order for a repeated idempotency key and reserves once', async () => {
      const s = sku({ stock: 10 })
      await ctx.storage.putSku({ sku: s })
      const first = order({ sku: s, customerId: 'cus_a', idempotencyKey: 'idem-1' })
      const e1 = event()
      await ctx.storage.createOrder({ ...first, effects: { events: [e1] } })
      const retry = order({ sku: s, customerId: 'cus_a', idempotencyKey: 'idem-1' })
      const again = await ctx.storage.createOrder({ ...retry, effects: { events: [event()] } })
      expect(again).toEqual({ order: first.order, created: false })
      expect(await ctx.storage.getOrder({ id: retry.order.id })).toBeNull()
      expect(await stockOf(s.id)).toBe(9)
      expect((await written(ctx.storage)).events).toEqual([e1.id])
      const otherCustomer = order({ sku: s, customerId: 'cus_b', idempotencyKey: 'idem-1' })
      expect((await ctx.storage.createOrder(otherCustomer)).created).toBe(true)
    })

    it('creates one order for concurrent requests with the same idempotency key', async () => {
      const s = sku({ stock: 10 })
      await ctx.storage.putSku({ sku: s })
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          ctx.storage.createOrder(order({ sku: s, customerId: 'cus_a', idempotencyKey: 'double-click' })),
        ),
      )
      expect(results.filter((r) => r.created)).toHaveLength(1)
      expect(new Set(results.map((r) => r.order.id)).size).toBe(1)
      expect(await stockOf(s.id)).toBe(9)
    })

    it('refuses a second order with the same number', async () => {
      const s = sku()
      await ctx.storage.putSku({ sku: s })
      const a = order({ sku: s })
      await ctx.storage.createOrder(a)
      const b = order({ sku: s })
      b.order.number = a.order.number
      await expectLoopError(ctx.storage.createOrder(b), 'conflict')
      expect(await stockOf(s.id)).toBe(99)
    })

    it('lists orders newest first, filtered, limited and paged', async () => {
      const s = sku({ stock: null })
      await ctx.storage.putSku({ sku: s })
      const mine: Order[] = []
      for (let i = 0; i < 5; i++) {
        // Two orders share a timestamp across a page boundary, so paging must fall back to the id.
        const createdAt = T0 + [0, 1000, 2000, 2000, 3000][i]!
        const { order: o, reserve } = order({ sku: s, customerId: 'cus_me', createdAt })
        await ctx.storage.createOrder({ order: o, reserve })
        mine.push(o)
      }
      await ctx.storage.createOrder(order({ sku: s, customerId: 'cus_other', createdAt: T0 + 500 }))
      const expected = [...mine]
        .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
        .map((o) => o.id)

      const all = await ctx.storage.listOrders({ customerId: 'cus_me', limit: 10 })
      expect(all.map((o) => o.id)).toEqual(expected)
      const page1 = await ctx.storage.listOrders({ customerId: 'cus_me', limit: 2 })
      const last = page1[page1.length - 1]!
      const page2 = await ctx.storage.listOrders({
        customerId: 'cus_me',
        limit: 2,
        before: { createdAt: last.createdAt, id: last.id },
      })
      const page3Last = page2[page2.length - 1]!
      const page3 = await ctx.storage.listOrders({
        customerId: 'cus_me',
        limit: 2,
        before: { createdAt: page3Last.createdAt, id: page3Last.id },
      })
      expect([...page1, ...page2, ...page3].map((o) => o.id)).toEqual(expected)
      expect(await ctx.storage.listOrders({ limit: 100 })).toHaveLength(6)

      await ctx.storage.transitionOrder({
        id: mine[0]!.id,
        from: ['pending'],
        to: 'cancelled',
        now: T0 + 9000,
      })
      const cancelled = await ctx.storage.listOrders({ status: 'cancelled', limit: 10 })
      expect(cancelled.map((o) => o.id)).toEqual([mine[0]!.id])
    })

    it('lists pending orders due to expire, oldest first', async () => {
      const s = sku({ stock: null })
      await ctx.storage.putSku({ sku: s })
      const make = async (createdAt: number, expiresAt: number) => {
        const o = order({ sku: s, createdAt, expiresAt })
        await ctx.storage.createOrder(o)
        return o.order
      }
      const older = await make(T0, T0 + 1000)
      const newer = await make(T0 + 100, T0 + 2000)
      const exact = await make(T0 + 200, T0 + 3000)
      const notYet = await make(T0 + 300, T0 + 9000)
      const paid = await make(T0 + 50, T0 + 1500)
      await ctx.storage.transitionOrder({ id: paid.id, from: ['pending'], to: 'paid', now: T0 + 60 })

      const due = await ctx.storage.listExpiredOrders({ now: T0 + 3000, limit: 10 })
      expect(due.map((o) => o.id)).toEqual([older.id, newer.id, exact.id])
      expect((await ctx.storage.listExpiredOrders({ now: T0 + 3000, limit: 1 })).map((o) => o.id)).toEqual([
        older.id,
      ])
      expect(due.map((o) => o.id)).not.toContain(notYet.id)
    })

    it('never lets a caller mutate a stored order', async () => {
      const s = sku()
      await ctx.storage.putSku({ sku: s })
      const { order: o, reserve } = order({ sku: s })
      const { order: returned } = await ctx.storage.createOrder({ order: o, reserve })
      o.lines[0]!.quantity = 50
      returned.lines[0]!.quantity = 60
      returned.status = 'paid'
      const stored = await ctx.storage.getOrder({ id: o.id })
      expect(stored?.lines[0]?.quantity).toBe(1)
      expect(stored?.status).toBe('pending')
    })

    it('writes the effects of a created order with it', async () => {
      const s = sku()
      await ctx.storage.putSku({ sku: s })
      const e = event({ type: 'order.created' })
      const n = notification()
      const { order: o, reserve } = order({ sku: s })
      await ctx.storage.createOrder({ order: o, reserve, effects: { events: [e], outbox: [n] } })
      expect(await written(ctx.storage)).toEqual({ events: [e.id], outbox: [n.dedupeKey] })
      const [row] = await ctx.storage.listNotifications({ limit: 10 })
      expect(row).toMatchObject({
        id: n.id,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: o.createdAt,
        createdAt: o.createdAt,
      })
    })

    it('refuses a second order with the same id', async () => {
      const s = sku()
      await ctx.storage.putSku({ sku: s })
      const a = order({ sku: s })
      await ctx.storage.createOrder(a)
      const b = order({ sku: s })
      b.order.id = a.order.id
      await expectLoopError(ctx.storage.createOrder(b), 'conflict')
      expect(await ctx.storage.getOrder({ id: a.order.id })).toEqual(a.order)
    })
  })
}
