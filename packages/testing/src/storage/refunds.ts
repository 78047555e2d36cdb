import { isLoopError } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { expectLoopError, type SuiteContext, settle, written } from './context.js'
import { event, id, order, payment, refund, sku, T0 } from './fixtures.js'

export function refundCases(ctx: SuiteContext): void {
  /** A paid order of 1,000 fen. */
  const paidOrder = async () => {
    const s = sku({ stock: 10, price: 1000 })
    await ctx.storage.putSku({ sku: s })
    const o = order({ sku: s })
    await ctx.storage.createOrder(o)
    const r = await ctx.storage.markPaid({
      orderId: o.order.id,
      delivery: null,
      payment: payment(o.order),
      now: T0 + 1000,
    })
    return r.order!
  }

  describe('refunds', () => {
    it('creates a refund within the total and finds it by id, number and order', async () => {
      const o = await paidOrder()
      const r = refund(o, 400)
      const e = event()
      expect(await ctx.storage.createRefund({ refund: r, effects: { events: [e] } })).toEqual({
        refund: r,
        created: true,
      })
      expect(await ctx.storage.getRefund({ id: r.id })).toEqual(r)
      expect(await ctx.storage.getRefundByNumber({ number: r.number })).toEqual(r)
      expect(await ctx.storage.listRefunds({ orderId: o.id })).toEqual([r])
      expect(await ctx.storage.getRefund({ id: 'ref_missing' })).toBeNull()
      expect(await ctx.storage.getRefundByNumber({ number: 'R_missing' })).toBeNull()
      expect((await written(ctx.storage)).events).toEqual([e.id])
    })

    it('returns the existing refund for a repeated number', async () => {
      const o = await paidOrder()
      const r = refund(o, 400)
      await ctx.storage.createRefund({ refund: r })
      const again = await ctx.storage.createRefund({
        refund: { ...refund(o, 400), number: r.number },
        effects: { events: [event()] },
      })
      expect(again).toEqual({ refund: r, created: false })
      expect(await ctx.storage.listRefunds({ orderId: o.id })).toHaveLength(1)
      expect((await written(ctx.storage)).events).toEqual([])
    })

    it('refuses refunds beyond the total, counting pending and succeeded but not failed ones', async () => {
      const o = await paidOrder()
      const a = refund(o, 600)
      await ctx.storage.createRefund({ refund: a })
      const tooMuch = refund(o, 401)
      await expectLoopError(
        ctx.storage.createRefund({ refund: tooMuch, effects: { events: [event()] } }),
        'refund_exceeds_paid',
      )
      expect(await ctx.storage.getRefund({ id: tooMuch.id })).toBeNull()
      expect((await written(ctx.storage)).events).toEqual([])
      await ctx.storage.settleRefund({ id: a.id, status: 'failed', now: T0 + 3000 })
      expect((await ctx.storage.createRefund({ refund: refund(o, 1000) })).created).toBe(true)
      await expectLoopError(ctx.storage.createRefund({ refund: refund(o, 1) }), 'refund_exceeds_paid')
    })

    it('refuses a refund for an unknown order', async () => {
      const o = await paidOrder()
      await expectLoopError(
        ctx.storage.createRefund({ refund: { ...refund(o, 1), orderId: id('ord') } }),
        'not_found',
      )
    })

    it('never lets concurrent refunds exceed the total', async () => {
      const o = await paidOrder()
      const { values, errors } = await settle(
        Array.from({ length: 10 }, () => ctx.storage.createRefund({ refund: refund(o, 300) })),
      )
      expect(values.filter((r) => r.created)).toHaveLength(3)
      expect(errors).toHaveLength(7)
      for (const e of errors) expect(isLoopError(e) && e.code === 'refund_exceeds_paid', String(e)).toBe(true)
      const sum = (await ctx.storage.listRefunds({ orderId: o.id })).reduce((n, r) => n + r.amount, 0)
      expect(sum).toBe(900)
    })

    it('settles a successful refund into the order: partially, then fully refunded', async () => {
      const o = await paidOrder()
      const a = refund(o, 300)
      const b = refund(o, 700)
      await ctx.storage.createRefund({ refund: a })
      await ctx.storage.createRefund({ refund: b })
      const e = event()
      const first = await ctx.storage.settleRefund({
        id: a.id,
        status: 'succeeded',
        providerRef: 'rf_1',
        now: T0 + 3000,
        effects: { events: [e] },
      })
      expect(first).toEqual({
        refund: { ...a, status: 'succeeded', providerRef: 'rf_1', updatedAt: T0 + 3000 },
        order: { ...o, refunded: 300, status: 'partially_refunded', updatedAt: T0 + 3000 },
        changed: true,
        duplicate: false,
      })
      expect(await ctx.storage.getOrder({ id: o.id })).toEqual(first.order)
      const second = await ctx.storage.settleRefund({ id: b.id, status: 'succeeded', now: T0 + 4000 })
      expect(second.order).toMatchObject({ refunded: 1000, status: 'refunded' })
      expect((await written(ctx.storage)).events).toEqual([e.id])
    })

    it('settles a failed refund without touching the order', async () => {
      const o = await paidOrder()
      const a = refund(o, 300)
      await ctx.storage.createRefund({ refund: a })
      const r = await ctx.storage.settleRefund({ id: a.id, status: 'failed', now: T0 + 3000 })
      expect(r).toMatchObject({
        changed: true,
        refund: { status: 'failed' },
        order: { refunded: 0, status: 'paid' },
      })
    })

    it('settles a refund once: later settlements and repeated deliveries change nothing', async () => {
      const o = await paidOrder()
      const a = refund(o, 300)
      await ctx.storage.createRefund({ refund: a })
      const d = { provider: 'sandbox', eventId: id('evt'), receivedAt: T0 + 3000 }
      await ctx.storage.settleRefund({ id: a.id, status: 'succeeded', delivery: d, now: T0 + 3000 })
      const dup = await ctx.storage.settleRefund({
        id: a.id,
        status: 'succeeded',
        delivery: d,
        now: T0 + 4000,
      })
      expect(dup).toMatchObject({
        changed: false,
        duplicate: true,
        refund: { status: 'succeeded' },
        order: { refunded: 300 },
      })
      const late = await ctx.storage.settleRefund({
        id: a.id,
        status: 'failed',
        now: T0 + 5000,
        effects: { events: [event()] },
      })
      expect(late).toMatchObject({
        changed: false,
        duplicate: false,
        refund: { status: 'succeeded' },
        order: { refunded: 300 },
      })
      expect((await written(ctx.storage)).events).toEqual([])
    })

    it('adds a refund to the order once under concurrent settlements', async () => {
      const o = await paidOrder()
      const a = refund(o, 300)
      await ctx.storage.createRefund({ refund: a })
      const { values } = await settle(
        Array.from({ length: 10 }, () =>
          ctx.storage.settleRefund({ id: a.id, status: 'succeeded', now: T0 + 3000 }),
        ),
      )
      expect(values.filter((r) => r.changed)).toHaveLength(1)
      expect((await ctx.storage.getOrder({ id: o.id }))?.refunded).toBe(300)
    })

    it('returns nulls for an unknown refund', async () => {
      expect(await ctx.storage.settleRefund({ id: 'ref_missing', status: 'succeeded', now: T0 })).toEqual({
        refund: null,
        order: null,
        changed: false,
        duplicate: false,
      })
    })
  })
}
