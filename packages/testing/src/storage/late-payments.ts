import type { Order, WebhookDelivery } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { type SuiteContext, written } from './context.js'
import { event, id, order, payment, refund, sku, T0 } from './fixtures.js'

/** Issue #9.9: money for an order that no longer holds stock is durable in the delivery's own step. */
export function latePaymentCases(ctx: SuiteContext): void {
  const delivery = (over: Partial<WebhookDelivery> = {}): WebhookDelivery => ({
    provider: 'sandbox',
    eventId: id('evt'),
    receivedAt: T0 + 1000,
    ...over,
  })
  /** An order that expired (or was cancelled) and gave its stock back. */
  const gone = async (to: 'expired' | 'cancelled' = 'expired'): Promise<Order> => {
    const s = sku({ stock: 10, price: 1000 })
    await ctx.storage.putSku({ sku: s })
    const o = order({ sku: s })
    await ctx.storage.createOrder(o)
    const r = await ctx.storage.transitionOrder({
      id: o.order.id,
      from: ['pending'],
      to,
      releaseStock: true,
      now: T0 + 500,
    })
    return r.order!
  }
  const late = (o: Order) => {
    const r = refund(o, o.total, { number: `L${o.number}`.slice(0, 32) })
    const e = event({ type: 'payment.late', orderId: o.id })
    return { refund: r, effects: { events: [e] }, eventId: e.id }
  }

  describe('late payments (#9.9)', () => {
    it('#9.9 writes the payment and a pending refund with the delivery for an expired order', async () => {
      const o = await gone()
      const l = late(o)
      const paidEvent = event({ type: 'order.paid', orderId: o.id })
      const p = payment(o, { status: 'pending' })
      const r = await ctx.storage.markPaid({
        orderId: o.id,
        delivery: delivery(),
        payment: p,
        now: T0 + 2000,
        effects: { events: [paidEvent] },
        late: { refund: l.refund, effects: l.effects },
      })
      expect(r).toMatchObject({ changed: false, duplicate: false, order: { status: 'expired' } })
      expect(r.late).toEqual({ refund: l.refund, created: true })
      expect(await ctx.storage.getRefundByNumber({ number: l.refund.number })).toEqual(l.refund)
      const payments = await ctx.storage.listPayments({ orderId: o.id })
      expect(payments).toEqual([{ ...p, status: 'succeeded', updatedAt: T0 + 2000 }])
      // The late effects are written, the paid effects are not; the order keeps its status and stock.
      expect((await written(ctx.storage)).events).toEqual([l.eventId])
      expect(await ctx.storage.getOrder({ id: o.id })).toMatchObject({ status: 'expired', refunded: 0 })
    })

    it('#9.9 a repeated late delivery is a duplicate and writes nothing more', async () => {
      const o = await gone('cancelled')
      const d = delivery()
      const l = late(o)
      await ctx.storage.markPaid({ orderId: o.id, delivery: d, payment: payment(o), now: T0 + 2000, late: l })
      const again = late(o)
      const r = await ctx.storage.markPaid({
        orderId: o.id,
        delivery: d,
        payment: payment(o),
        now: T0 + 3000,
        late: { refund: { ...again.refund, number: l.refund.number }, effects: again.effects },
      })
      expect(r).toMatchObject({ changed: false, duplicate: true })
      expect(r.late ?? null).toBeNull()
      expect(await ctx.storage.listRefunds({ orderId: o.id })).toHaveLength(1)
      expect(await ctx.storage.listPayments({ orderId: o.id })).toHaveLength(1)
      expect((await written(ctx.storage)).events).toEqual([l.eventId])
    })

    it('#9.9 another delivery of the same late payment finds the refund by its number', async () => {
      const o = await gone()
      const l = late(o)
      await ctx.storage.markPaid({
        orderId: o.id,
        delivery: delivery(),
        payment: payment(o),
        now: T0 + 2000,
        late: l,
      })
      const again = late(o)
      const r = await ctx.storage.markPaid({
        orderId: o.id,
        delivery: delivery(),
        payment: payment(o),
        now: T0 + 3000,
        late: { refund: { ...again.refund, number: l.refund.number }, effects: again.effects },
      })
      expect(r).toMatchObject({
        changed: false,
        duplicate: false,
        late: { refund: l.refund, created: false },
      })
      expect((await written(ctx.storage)).events).toEqual([l.eventId])
    })

    it('#9.9 concurrent late deliveries create one refund and write its effects once', async () => {
      const o = await gone()
      const l = late(o)
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          ctx.storage.markPaid({
            orderId: o.id,
            // Three deliveries of one event, three other events for the same money.
            delivery: delivery({ eventId: `evt_late_${i % 4}` }),
            payment: payment(o, { id: `pay_${o.id}` }),
            now: T0 + 2000,
            late: { refund: l.refund, effects: l.effects },
          }),
        ),
      )
      expect(results.filter((r) => r.late?.created)).toHaveLength(1)
      expect(results.filter((r) => r.duplicate)).toHaveLength(2)
      expect(await ctx.storage.listRefunds({ orderId: o.id })).toEqual([l.refund])
      expect(await ctx.storage.listPayments({ orderId: o.id })).toHaveLength(1)
      expect((await written(ctx.storage)).events).toEqual([l.eventId])
    })

    it('#9.9 money racing the expiry is either a sale or a late payment with its refund, never lost', async () => {
      for (let i = 0; i < 10; i++) {
        const s = sku({ stock: 10, price: 1000 })
        await ctx.storage.putSku({ sku: s })
        const o = order({ sku: s })
        await ctx.storage.createOrder(o)
        const l = late(o.order)
        const [paid] = await Promise.all([
          ctx.storage.markPaid({
            orderId: o.order.id,
            delivery: delivery(),
            payment: payment(o.order),
            now: T0 + 2000,
            late: l,
          }),
          ctx.storage.transitionOrder({
            id: o.order.id,
            from: ['pending'],
            to: 'expired',
            releaseStock: true,
            now: T0 + 2000,
          }),
        ])
        const after = await ctx.storage.getOrder({ id: o.order.id })
        const refunds = await ctx.storage.listRefunds({ orderId: o.order.id })
        if (after!.status === 'paid') {
          expect(paid.changed).toBe(true)
          expect(refunds).toEqual([])
        } else {
          expect(after!.status).toBe('expired')
          expect(paid.late).toEqual({ refund: l.refund, created: true })
          expect(refunds).toEqual([l.refund])
        }
        expect(await ctx.storage.listPayments({ orderId: o.order.id })).toHaveLength(1)
      }
    })

    it('#9.9 `late` changes nothing for a pending order: it is paid as usual', async () => {
      const s = sku({ stock: 10, price: 1000 })
      await ctx.storage.putSku({ sku: s })
      const o = order({ sku: s })
      await ctx.storage.createOrder(o)
      const l = late(o.order)
      const r = await ctx.storage.markPaid({
        orderId: o.order.id,
        delivery: delivery(),
        payment: payment(o.order),
        now: T0 + 2000,
        late: l,
      })
      expect(r).toMatchObject({ changed: true, duplicate: false, order: { status: 'paid' } })
      expect(r.late ?? null).toBeNull()
      expect(await ctx.storage.listRefunds({ orderId: o.order.id })).toEqual([])
    })

    it('#9.9 settling a late refund leaves the expired order expired', async () => {
      const o = await gone()
      const l = late(o)
      await ctx.storage.markPaid({
        orderId: o.id,
        delivery: delivery(),
        payment: payment(o),
        now: T0 + 2000,
        late: l,
      })
      const settled = await ctx.storage.settleRefund({
        id: l.refund.id,
        status: 'succeeded',
        providerRef: 'rf_1',
        now: T0 + 3000,
      })
      expect(settled).toMatchObject({ changed: true, refund: { status: 'succeeded', providerRef: 'rf_1' } })
      expect(await ctx.storage.getOrder({ id: o.id })).toMatchObject({ status: 'expired', refunded: 0 })
    })
  })
}
