import { createLoop, type Order, type PaymentAdapter } from '@loopkit/core'
import { memoryStorage, sandboxIdentity } from '@loopkit/core/dev'
import { describe, expect, it } from 'vitest'
import { useHarness } from '../_internal/harness.js'
import type { PaymentHarness, RawWebhook } from './index.js'

/** What one test of {@link testPaymentWebhookCases} works with: the payment harness plus two captures. */
export interface PaymentWebhookHarness extends Omit<PaymentHarness, 'notifyUrl' | 'forgeSignature'> {
  /**
   * A payment webhook for this (paid) order, genuinely signed by the provider (simulator), that claims
   * `amount` instead of the real one. Absent: the amount-mismatch case is skipped.
   */
  paymentWebhookWithAmount?(input: { orderNumber: string; amount: number }): Promise<RawWebhook>
  /**
   * The provider's webhook saying this refund succeeded, after `adapter.refund` was called for it
   * (settle it at the simulator if it is asynchronous). Absent: the refund notice is not delivered.
   */
  refundWebhook?(input: { refundNumber: string }): Promise<RawWebhook>
}

/** Options of {@link testPaymentWebhookCases}. */
export interface TestPaymentWebhookCasesOptions {
  name: string
  setup: () => Promise<PaymentWebhookHarness>
  teardown?: () => Promise<void>
}

const TTL = 30 * 60_000

/**
 * The webhook situations every payment provider produces, run through a real memory loop with the
 * adapter: duplicate and concurrent deliveries (one `order.paid`), a payment notice that arrives only
 * after the refund notice (changes nothing), a genuinely signed notice with the wrong amount
 * (suspicious, nothing changes, the genuine one still applies) and money for an order that expired
 * first (recorded as `payment.late`, acknowledged, refunded through the adapter).
 *
 * @example
 * ```ts
 * testPaymentWebhookCases({
 *   name: 'stripe checkout (simulator)',
 *   setup: async () => ({ adapter, customer, currency: 'USD', now: sim.now, payOrder, paymentWebhookWithAmount, refundWebhook }),
 * })
 * ```
 */
export function testPaymentWebhookCases(options: TestPaymentWebhookCasesOptions): void {
  describe(`payment webhook cases through a loop: ${options.name}`, () => {
    const h = useHarness<PaymentWebhookHarness>(options)

    async function shop() {
      const harness = h()
      let offset = 0
      const now = () => (harness.now ?? Date.now)() + offset
      const loop = createLoop({
        secret: 'payment-webhook-cases-secret-0123456789',
        baseUrl: 'https://shop.example/loop',
        storage: memoryStorage(),
        payments: [harness.adapter],
        identity: [sandboxIdentity()],
        orders: { ttlMs: TTL },
        now,
      })
      await loop.catalog.put({
        id: 'case-sku',
        title: 'Webhook case item',
        description: null,
        imageUrl: null,
        price: 2000,
        currency: harness.currency ?? 'CNY',
        stock: 1,
        active: true,
      })
      const identity = harness.customer.identities[0] ?? { provider: 'sandbox', subject: 'webhook-cases' }
      const { customer } = await loop.customers.login({
        profile: { provider: identity.provider, subject: identity.subject },
      })
      const checkout = async (): Promise<Order> =>
        (
          await loop.checkout({
            customerId: customer.id,
            lines: [{ skuId: 'case-sku', quantity: 1 }],
            provider: harness.adapter.id,
            ...(harness.method ? { method: harness.method } : {}),
            returnUrl: 'https://shop.example/orders/return',
          })
        ).order
      const deliver = (w: RawWebhook) =>
        loop.webhooks.handle({
          provider: harness.adapter.id,
          request: new Request(`https://shop.example/loop/webhooks/${harness.adapter.id}`, {
            method: 'POST',
            headers: w.headers,
            body: new Uint8Array(w.body),
          }),
        })
      const paidCount = async () => (await loop.analytics.events({ types: ['order.paid'] })).length
      return {
        loop,
        checkout,
        deliver,
        paidCount,
        advance: (ms: number) => {
          offset += ms
        },
        adapter: harness.adapter,
      }
    }

    it('duplicate and concurrent deliveries of one payment give one order.paid', async () => {
      const s = await shop()
      const order = await s.checkout()
      const webhook = await h().payOrder({ orderNumber: order.number })
      const results = await Promise.all(Array.from({ length: 5 }, () => s.deliver(webhook)))
      expect(results.filter((r) => r.outcome.status === 'processed')).toHaveLength(1)
      expect(results.every((r) => r.response.status < 300)).toBe(true)
      expect((await s.deliver(webhook)).outcome.status).toBe('duplicate')
      expect(await s.paidCount()).toBe(1)
      await s.loop.close()
    })

    it('a payment notice arriving after the refund notice changes nothing', async () => {
      const s = await shop()
      const order = await s.checkout()
      const late = await h().payOrder({ orderNumber: order.number })
      // The payment notice is held back; the loop learns of the payment by asking the provider.
      expect(await s.loop.orders.reconcile({ orderId: order.id })).toMatchObject({ status: 'paid' })
      const refund = await s.loop.refunds.create({ orderId: order.id })
      const refundNotice = await h().refundWebhook?.({ refundNumber: refund.number })
      if (refundNotice) expect((await s.deliver(refundNotice)).response.status).toBeLessThan(300)
      expect(await s.loop.orders.get(order.id)).toMatchObject({ status: 'refunded', refunded: 2000 })
      const { outcome, response } = await s.deliver(late)
      expect(outcome.status).toBe('duplicate')
      expect(response.status).toBeLessThan(300)
      expect(await s.loop.orders.get(order.id)).toMatchObject({ status: 'refunded', refunded: 2000 })
      expect(await s.paidCount()).toBe(1)
      await s.loop.close()
    })

    it('a genuinely signed notice with another amount is suspicious and changes nothing', async (ctx) => {
      const forge = h().paymentWebhookWithAmount
      if (!forge) return ctx.skip('the harness has no paymentWebhookWithAmount')
      const s = await shop()
      const order = await s.checkout()
      const genuine = await h().payOrder({ orderNumber: order.number })
      for (const amount of [order.total + 1, order.total - 1, 1]) {
        const { outcome, response } = await s.deliver(await forge({ orderNumber: order.number, amount }))
        expect(outcome).toMatchObject({ status: 'suspicious', reason: 'amount_mismatch' })
        expect(response.status).toBeGreaterThanOrEqual(400)
      }
      expect(await s.loop.orders.get(order.id)).toMatchObject({ status: 'pending' })
      expect((await s.deliver(genuine)).outcome.status).toBe('processed')
      await s.loop.close()
    })

    it('money for an order that expired first is recorded as late, acknowledged and refunded', async (ctx) => {
      const s = await shop()
      const refunds: string[] = []
      const adapter: PaymentAdapter = h().adapter
      const refund = adapter.refund.bind(adapter)
      adapter.refund = async (input) => {
        refunds.push(input.order.number)
        return refund(input)
      }
      try {
        const order = await s.checkout()
        s.advance(TTL + 60_000)
        expect(await s.loop.orders.expireDue()).toEqual({ expired: 1, paid: 0 })
        let webhook: RawWebhook
        try {
          webhook = await h().payOrder({ orderNumber: order.number })
        } catch {
          return ctx.skip('the provider refuses to take money for a closed order, so no payment can be late')
        }
        const { outcome, response } = await s.deliver(webhook)
        expect(outcome).toMatchObject({ status: 'suspicious', reason: 'late_payment' })
        expect(response.status).toBeLessThan(300)
        expect(await s.loop.orders.get(order.id)).toMatchObject({ status: 'expired' })
        expect(await s.loop.analytics.events({ types: ['payment.late'] })).toHaveLength(1)
        expect(refunds).toEqual([order.number])
        expect(await s.paidCount()).toBe(0)
      } finally {
        adapter.refund = refund
        await s.loop.close()
      }
    })
  })
}
