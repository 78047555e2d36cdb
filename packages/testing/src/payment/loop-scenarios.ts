import { type Customer, createLoop, type PaymentAdapter } from '@loopkit/core'
import { consoleMessaging, memoryStorage, sandboxIdentity } from '@loopkit/core/dev'
import { describe, expect, it } from 'vitest'
import { useHarness } from '../_internal/harness.js'
import type { RawWebhook } from './index.js'

/** What one test of {@link testPaymentLoopCases} works with. */
export interface PaymentLoopHarness {
  adapter: PaymentAdapter
  /** The checkout `method`; the adapter's default when absent. */
  method?: string
  /**
   * The loop's `baseUrl`. The provider posts its webhooks to `<baseUrl>/webhooks/<id>`, where the
   * harness captures them (and acknowledges) so each test delivers them in the order it chooses.
   */
  baseUrl: string
  /** The clock the loop and the provider share. */
  now: () => number
  /** The identity the buyer logs in with; default a `sandbox` identity. */
  profile?: { provider: string; subject: string }
  /** The buyer pays at the provider; resolve with the genuine payment webhook, captured, not delivered. */
  payOrder(input: { orderNumber: string }): Promise<RawWebhook>
  /** A genuinely signed payment webhook for the order that claims another amount (minor units). */
  paidWebhookWithAmount?(input: { orderNumber: string; amount: number }): Promise<RawWebhook>
  /** The provider's webhook for a refund that it made, captured, not delivered. */
  refundWebhook?(input: { orderNumber: string; refundNumber: string }): Promise<RawWebhook>
}

/** Options of {@link testPaymentLoopCases}. */
export interface TestPaymentLoopCasesOptions {
  name: string
  setup: () => Promise<PaymentLoopHarness>
  teardown?: () => Promise<void>
}

const duck = {
  id: 'duck',
  title: 'Contract duck',
  description: null,
  imageUrl: null,
  price: 8800,
  currency: 'CNY',
  stock: 10,
  active: true,
}

/**
 * The webhook-inbox cases every payment adapter must survive inside a real (memory) loop: a
 * duplicate and concurrent copies apply once; a payment that arrives after the order expired is
 * refunded, never applied; a refund notice that overtakes the payment notice leaves the order
 * refunded; a genuinely signed notice with another amount changes nothing.
 *
 * @example
 * ```ts
 * testPaymentLoopCases({
 *   name: 'alipay qr (simulator)',
 *   setup: async () => ({ adapter, method: 'qr', baseUrl: receiver.baseUrl, now: sim.now, payOrder }),
 * })
 * ```
 */
export function testPaymentLoopCases(options: TestPaymentLoopCasesOptions): void {
  describe(`payment adapter in a loop: ${options.name}`, () => {
    const h = useHarness<PaymentLoopHarness>(options)

    async function shop() {
      const loop = createLoop({
        secret: 'payment-loop-cases-secret-0123456789abcdef',
        baseUrl: h().baseUrl,
        storage: memoryStorage(),
        payments: [h().adapter],
        identity: [sandboxIdentity()],
        messaging: [consoleMessaging({ log: () => {} })],
        now: h().now,
      })
      await loop.catalog.put(duck)
      const profile = h().profile ?? { provider: 'sandbox', subject: `buyer-${Math.random()}` }
      const { customer } = (await loop.customers.login({ profile })) as { customer: Customer }
      const { order } = await loop.checkout({
        customerId: customer.id,
        lines: [{ skuId: 'duck', quantity: 1 }],
        provider: h().adapter.id,
        ...(h().method ? { method: h().method } : {}),
      })
      const deliver = (w: RawWebhook) =>
        loop.webhooks.handle({
          provider: h().adapter.id,
          request: new Request(`${h().baseUrl}/webhooks/${h().adapter.id}`, {
            method: 'POST',
            headers: w.headers,
            body: new Uint8Array(w.body),
          }),
        })
      const paidEvents = async () => (await loop.analytics.events({ types: ['order.paid'] })).length
      return { loop, order, deliver, paidEvents }
    }

    it('a duplicate and concurrent copies of the payment webhook apply once', async () => {
      const { loop, order, deliver, paidEvents } = await shop()
      const webhook = await h().payOrder({ orderNumber: order.number })
      const results = await Promise.all([deliver(webhook), deliver(webhook), deliver(webhook)])
      expect(results.map((r) => r.outcome.status).sort()).toEqual(['duplicate', 'duplicate', 'processed'])
      expect(results.every((r) => r.response.status < 300)).toBe(true)
      expect((await deliver(webhook)).outcome.status).toBe('duplicate')
      expect((await loop.orders.get(order.id))?.status).toBe('paid')
      expect(await paidEvents()).toBe(1)
    })

    it('a payment that arrives after the order expired is refunded, not applied', async () => {
      const { loop, order, deliver, paidEvents } = await shop()
      const webhook = await h().payOrder({ orderNumber: order.number })
      // The race: the loop expired the order (releasing stock) just before the payment landed.
      await loop.storage.transitionOrder({
        id: order.id,
        from: ['pending'],
        to: 'expired',
        releaseStock: true,
        now: order.expiresAt,
      })
      const { outcome, response } = await deliver(webhook)
      expect(outcome).toEqual({ status: 'suspicious', reason: 'late_payment' })
      expect(response.status).toBeLessThan(300)
      expect((await loop.orders.get(order.id))?.status).toBe('expired')
      expect((await loop.catalog.get('duck'))?.stock).toBe(10)
      expect(await paidEvents()).toBe(0)
      expect(await loop.analytics.events({ types: ['payment.late'] })).toHaveLength(1)
      const remote = await h().adapter.queryPayment({ orderNumber: order.number })
      expect(['refunded', 'closed']).toContain(remote?.status)
    })

    it('a refund notice that overtakes the payment notice leaves the order refunded', async (ctx) => {
      const refundWebhook = h().refundWebhook
      if (!refundWebhook) return ctx.skip('the harness has no refundWebhook')
      const { loop, order, deliver, paidEvents } = await shop()
      const payment = await h().payOrder({ orderNumber: order.number })
      // The payment notice is late; the loop learns of the payment by asking the provider.
      expect((await loop.orders.reconcile({ orderId: order.id }))?.status).toBe('paid')
      const refund = await loop.refunds.create({ orderId: order.id })
      const notice = await refundWebhook({ orderNumber: order.number, refundNumber: refund.number })
      expect(['processed', 'duplicate']).toContain((await deliver(notice)).outcome.status)
      const late = await deliver(payment)
      expect(late.outcome.status).toBe('duplicate')
      expect(late.response.status).toBeLessThan(300)
      expect((await loop.orders.get(order.id))?.status).toBe('refunded')
      expect(await paidEvents()).toBe(1)
      expect(await loop.analytics.events({ types: ['order.refunded'] })).toHaveLength(1)
    })

    it('a genuinely signed payment webhook with another amount changes nothing', async (ctx) => {
      const forge = h().paidWebhookWithAmount
      if (!forge) return ctx.skip('the harness has no paidWebhookWithAmount')
      const { loop, order, deliver, paidEvents } = await shop()
      const genuine = await h().payOrder({ orderNumber: order.number })
      const { outcome, response } = await deliver(
        await forge({ orderNumber: order.number, amount: order.total - 1 }),
      )
      expect(outcome).toEqual({ status: 'suspicious', reason: 'amount_mismatch' })
      expect(response.status).toBeGreaterThanOrEqual(400)
      expect((await loop.orders.get(order.id))?.status).toBe('pending')
      expect(await paidEvents()).toBe(0)
      expect((await deliver(genuine)).outcome.status).toBe('processed')
      expect(await paidEvents()).toBe(1)
    })
  })
}
