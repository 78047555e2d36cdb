import { type OrderStatus, orderTransitions } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { expectLoopError, type SuiteContext, settle, written } from './context.js'
import { event, notification, order, sku, T0 } from './fixtures.js'

export function transitionCases(ctx: SuiteContext): void {
  const stockOf = async (skuId: string) => (await ctx.storage.getSku({ id: skuId }))?.stock
  const pendingOrder = async (stock = 10, quantity = 2, expiresAt?: number) => {
    const s = sku({ stock })
    await ctx.storage.putSku({ sku: s })
    const o = order(expiresAt === undefined ? { sku: s, quantity } : { sku: s, quantity, expiresAt })
    await ctx.storage.createOrder(o)
    return { s, o: o.order }
  }

  describe('order transitions', () => {
    it('moves an order only from an expected status, with its patch and effects', async () => {
      const { o } = await pendingOrder()
      const e = event({ type: 'order.paid', orderId: o.id })
      const n = notification({ dedupeKey: `order.paid:${o.id}:console` })
      const moved = await ctx.storage.transitionOrder({
        id: o.id,
        from: ['pending'],
        to: 'paid',
        patch: { providerRef: 'tx_1', paidAt: T0 + 10 },
        now: T0 + 11,
        effects: { events: [e], outbox: [n] },
      })
      expect(moved.changed).toBe(true)
      expect(moved.order).toEqual({
        ...o,
        status: 'paid',
        providerRef: 'tx_1',
        paidAt: T0 + 10,
        updatedAt: T0 + 11,
      })
      expect(await ctx.storage.getOrder({ id: o.id })).toEqual(moved.order)
      expect(await written(ctx.storage)).toEqual({ events: [e.id], outbox: [n.dedupeKey] })

      const replay = await ctx.storage.transitionOrder({
        id: o.id,
        from: ['pending'],
        to: 'paid',
        patch: { providerRef: 'tx_2' },
        now: T0 + 12,
        effects: { events: [event()], outbox: [notification()] },
      })
      expect(replay).toEqual({ order: moved.order, changed: false })
      expect(await written(ctx.storage)).toEqual({ events: [e.id], outbox: [n.dedupeKey] })
    })

    it('accepts any of several expected statuses', async () => {
      const { o } = await pendingOrder()
      await ctx.storage.transitionOrder({ id: o.id, from: ['pending'], to: 'paid', now: T0 + 1 })
      const r = await ctx.storage.transitionOrder({
        id: o.id,
        from: ['paid', 'fulfilled'],
        to: 'refunded',
        now: T0 + 2,
      })
      expect(r.changed).toBe(true)
      expect(r.order?.status).toBe('refunded')
    })

    it('#9.12 refuses every move the state machine does not allow, changing nothing', async () => {
      const { s, o } = await pendingOrder(10, 2)
      const statuses = Object.keys(orderTransitions) as OrderStatus[]
      for (const from of statuses) {
        for (const to of statuses) {
          if (orderTransitions[from].includes(to)) continue
          await expectLoopError(
            ctx.storage.transitionOrder({
              id: o.id,
              from: [from],
              to,
              releaseStock: true,
              now: T0 + 1,
              effects: { events: [event()], outbox: [notification()] },
            }),
            'invalid_transition',
          )
        }
      }
      // One illegal source spoils the request, even when the order is in a legal one.
      await expectLoopError(
        ctx.storage.transitionOrder({ id: o.id, from: ['pending', 'expired'], to: 'paid', now: T0 + 1 }),
        'invalid_transition',
      )
      expect(await ctx.storage.getOrder({ id: o.id })).toEqual(o)
      expect(await stockOf(s.id)).toBe(8)
      expect(await written(ctx.storage)).toEqual({ events: [], outbox: [] })
    })

    it('#9.12 an expired order cannot be paid, refunded or revived through transitionOrder', async () => {
      const { s, o } = await pendingOrder(10, 2)
      await ctx.storage.transitionOrder({
        id: o.id,
        from: ['pending'],
        to: 'expired',
        releaseStock: true,
        now: T0 + 1,
      })
      for (const to of ['paid', 'pending', 'refunded', 'fulfilled', 'cancelled'] as const) {
        await expectLoopError(
          ctx.storage.transitionOrder({ id: o.id, from: ['expired'], to, now: T0 + 2 }),
          'invalid_transition',
        )
      }
      expect((await ctx.storage.getOrder({ id: o.id }))?.status).toBe('expired')
      expect(await stockOf(s.id)).toBe(10)
    })

    it('returns null for an unknown order', async () => {
      expect(
        await ctx.storage.transitionOrder({ id: 'ord_missing', from: ['pending'], to: 'paid', now: T0 }),
      ).toEqual({
        order: null,
        changed: false,
      })
    })

    it('returns stock exactly once when an expired order is released', async () => {
      const { s, o } = await pendingOrder(10, 3, T0 + 1000)
      expect(await stockOf(s.id)).toBe(7)
      const due = await ctx.storage.listExpiredOrders({ now: T0 + 1000, limit: 10 })
      expect(due.map((x) => x.id)).toEqual([o.id])
      const expire = () =>
        ctx.storage.transitionOrder({
          id: o.id,
          from: ['pending'],
          to: 'expired',
          releaseStock: true,
          now: T0 + 1000,
        })
      expect((await expire()).changed).toBe(true)
      expect((await expire()).changed).toBe(false)
      expect(await stockOf(s.id)).toBe(10)
      expect(await ctx.storage.listExpiredOrders({ now: T0 + 5000, limit: 10 })).toEqual([])
    })

    it('keeps stock when the transition does not ask for a release', async () => {
      const { s, o } = await pendingOrder(10, 3)
      await ctx.storage.transitionOrder({ id: o.id, from: ['pending'], to: 'cancelled', now: T0 + 1 })
      expect(await stockOf(s.id)).toBe(7)
    })

    it('releases stock once under concurrent cancels', async () => {
      const { s, o } = await pendingOrder(10, 4)
      const { values, errors } = await settle(
        Array.from({ length: 10 }, () =>
          ctx.storage.transitionOrder({
            id: o.id,
            from: ['pending'],
            to: 'cancelled',
            releaseStock: true,
            now: T0 + 1,
          }),
        ),
      )
      expect(errors).toEqual([])
      expect(values.filter((r) => r.changed)).toHaveLength(1)
      expect(await stockOf(s.id)).toBe(10)
    })

    it('lets exactly one of a racing payment and expiry win', async () => {
      const { s, o } = await pendingOrder(10, 1)
      const [paid, expired] = await Promise.all([
        ctx.storage.transitionOrder({ id: o.id, from: ['pending'], to: 'paid', now: T0 + 1 }),
        ctx.storage.transitionOrder({
          id: o.id,
          from: ['pending'],
          to: 'expired',
          releaseStock: true,
          now: T0 + 1,
        }),
      ])
      expect(Number(paid.changed) + Number(expired.changed)).toBe(1)
      const final = await ctx.storage.getOrder({ id: o.id })
      expect(await stockOf(s.id)).toBe(final?.status === 'expired' ? 10 : 9)
    })
  })
}
