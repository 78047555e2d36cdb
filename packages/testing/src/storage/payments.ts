import type { WebhookDelivery } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { type SuiteContext, settle, written } from './context.js'
import { event, id, notification, order, payment, sku, T0 } from './fixtures.js'

export function paymentCases(ctx: SuiteContext): void {
  const delivery = (over: Partial<WebhookDelivery> = {}): WebhookDelivery => ({
    provider: 'sandbox',
    eventId: id('evt'),
    receivedAt: T0 + 1000,
    ...over,
  })
  const pendingOrder = async () => {
    const s = sku({ stock: 10 })
    await ctx.storage.putSku({ sku: s })
    const o = order({ sku: s })
    await ctx.storage.createOrder(o)
    return o.order
  }

  describe('payments and webhooks', () => {
    it('saves payments, replaces them by id and lists them per order', async () => {
      const o = await pendingOrder()
      const p1 = payment(o, { status: 'pending', providerRef: null, createdAt: T0 + 1 })
      const p2 = payment(o, { status: 'failed', createdAt: T0 + 2 })
      expect(await ctx.storage.savePayment({ payment: p1 })).toEqual(p1)
      await ctx.storage.savePayment({ payment: p2 })
      const p1b = { ...p1, status: 'succeeded' as const, providerRef: 'tx_9', updatedAt: T0 + 3 }
      await ctx.storage.savePayment({ payment: p1b })
      expect(await ctx.storage.listPayments({ orderId: o.id })).toEqual([p1b, p2])
      expect(await ctx.storage.listPayments({ orderId: 'ord_missing' })).toEqual([])
    })

    it('records a webhook delivery exactly once per provider and event id', async () => {
      const d = delivery()
      const e = event()
      expect(await ctx.storage.recordWebhook({ delivery: d, effects: { events: [e] } })).toEqual({
        first: true,
      })
      expect(await ctx.storage.recordWebhook({ delivery: d, effects: { events: [event()] } })).toEqual({
        first: false,
      })
      expect(await ctx.storage.recordWebhook({ delivery: { ...d, provider: 'other' } })).toEqual({
        first: true,
      })
      expect((await written(ctx.storage)).events).toEqual([e.id])
    })

    it('marks an order paid with its payment and effects in one step', async () => {
      const o = await pendingOrder()
      const p = payment(o, { status: 'pending' })
      const e = event({ type: 'order.paid', orderId: o.id })
      const n = notification({ dedupeKey: `order.paid:${o.id}:console` })
      const r = await ctx.storage.markPaid({
        orderId: o.id,
        delivery: delivery(),
        payment: p,
        now: T0 + 2000,
        effects: { events: [e], outbox: [n] },
      })
      expect(r.changed).toBe(true)
      expect(r.duplicate).toBe(false)
      expect(r.order).toEqual({
        ...o,
        status: 'paid',
        providerRef: p.providerRef,
        paidAt: T0 + 2000,
        updatedAt: T0 + 2000,
      })
      expect(await ctx.storage.getOrder({ id: o.id })).toEqual(r.order)
      const [saved] = await ctx.storage.listPayments({ orderId: o.id })
      expect(saved).toMatchObject({
        id: p.id,
        status: 'succeeded',
        providerRef: p.providerRef,
        amount: o.total,
      })
      expect(await written(ctx.storage)).toEqual({ events: [e.id], outbox: [n.dedupeKey] })
    })

    it('changes nothing for a repeated delivery', async () => {
      const o = await pendingOrder()
      const d = delivery()
      await ctx.storage.markPaid({
        orderId: o.id,
        delivery: d,
        payment: payment(o),
        now: T0 + 2000,
        effects: { events: [event()] },
      })
      const before = await written(ctx.storage)
      const again = await ctx.storage.markPaid({
        orderId: o.id,
        delivery: d,
        payment: payment(o),
        now: T0 + 3000,
        effects: { events: [event()], outbox: [notification()] },
      })
      expect(again.duplicate).toBe(true)
      expect(again.changed).toBe(false)
      expect(again.order?.paidAt).toBe(T0 + 2000)
      expect(await written(ctx.storage)).toEqual(before)
      expect(await ctx.storage.listPayments({ orderId: o.id })).toHaveLength(1)
    })

    it('shares one inbox between recordWebhook and markPaid', async () => {
      const o = await pendingOrder()
      const d = delivery()
      await ctx.storage.recordWebhook({ delivery: d })
      const r = await ctx.storage.markPaid({
        orderId: o.id,
        delivery: d,
        payment: payment(o),
        now: T0 + 2000,
      })
      expect(r).toMatchObject({ changed: false, duplicate: true })
      expect((await ctx.storage.getOrder({ id: o.id }))?.status).toBe('pending')
    })

    it('records the delivery but changes nothing for an order no longer pending', async () => {
      const o = await pendingOrder()
      await ctx.storage.transitionOrder({
        id: o.id,
        from: ['pending'],
        to: 'expired',
        releaseStock: true,
        now: T0 + 1,
      })
      const d = delivery()
      const late = await ctx.storage.markPaid({
        orderId: o.id,
        delivery: d,
        payment: payment(o),
        now: T0 + 2000,
        effects: { events: [event()] },
      })
      expect(late).toMatchObject({ changed: false, duplicate: false, order: { id: o.id, status: 'expired' } })
      expect((await written(ctx.storage)).events).toEqual([])
      const replay = await ctx.storage.markPaid({
        orderId: o.id,
        delivery: d,
        payment: payment(o),
        now: T0 + 3000,
      })
      expect(replay.duplicate).toBe(true)
    })

    it('pays a second delivery for a paid order no more than once', async () => {
      const o = await pendingOrder()
      await ctx.storage.markPaid({ orderId: o.id, delivery: delivery(), payment: payment(o), now: T0 + 2000 })
      const other = await ctx.storage.markPaid({
        orderId: o.id,
        delivery: delivery(),
        payment: payment(o),
        now: T0 + 3000,
      })
      expect(other).toMatchObject({
        changed: false,
        duplicate: false,
        order: { status: 'paid', paidAt: T0 + 2000 },
      })
    })

    it('returns a null order for an unknown order id', async () => {
      const r = await ctx.storage.markPaid({
        orderId: 'ord_missing',
        delivery: delivery(),
        payment: payment(await pendingOrder()),
        now: T0,
      })
      expect(r).toEqual({ order: null, changed: false, duplicate: false })
    })

    it('accepts a null delivery (a payment confirmed by query) and still pays once', async () => {
      const o = await pendingOrder()
      const first = await ctx.storage.markPaid({
        orderId: o.id,
        delivery: null,
        payment: payment(o),
        now: T0 + 1,
      })
      const second = await ctx.storage.markPaid({
        orderId: o.id,
        delivery: null,
        payment: payment(o),
        now: T0 + 2,
      })
      expect(first.changed).toBe(true)
      expect(second).toMatchObject({ changed: false, duplicate: false })
    })

    it('lets exactly one of 10 concurrent identical deliveries change the order', async () => {
      const o = await pendingOrder()
      const d = delivery()
      const p = payment(o)
      const { values, errors } = await settle(
        Array.from({ length: 10 }, (_, i) =>
          ctx.storage.markPaid({
            orderId: o.id,
            delivery: d,
            payment: p,
            now: T0 + 2000,
            effects: {
              events: [event({ orderId: o.id })],
              outbox: [notification({ dedupeKey: `order.paid:${o.id}:${i}` })],
            },
          }),
        ),
      )
      expect(errors).toEqual([])
      expect(values.filter((r) => r.changed)).toHaveLength(1)
      expect(values.filter((r) => r.duplicate)).toHaveLength(9)
      const w = await written(ctx.storage)
      expect(w.events).toHaveLength(1)
      expect(w.outbox).toHaveLength(1)
      expect(await ctx.storage.listPayments({ orderId: o.id })).toHaveLength(1)
    })

    it('lets exactly one of concurrent distinct deliveries change the order', async () => {
      const o = await pendingOrder()
      const { values } = await settle(
        Array.from({ length: 10 }, () =>
          ctx.storage.markPaid({ orderId: o.id, delivery: delivery(), payment: payment(o), now: T0 + 2000 }),
        ),
      )
      expect(values.filter((r) => r.changed)).toHaveLength(1)
      expect(values.filter((r) => r.duplicate)).toHaveLength(0)
    })
  })
}
