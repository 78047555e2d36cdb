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
   * The loop's `baseUrl`; default `https://shop.example/loop`. A provider that posts its webhooks
   * posts them to `<baseUrl>/webhooks/<id>`, where the harness captures them (and acknowledges) so
   * each test delivers them in the order it chooses.
   */
  baseUrl?: string
  /** The clock the loop and the provider share. */
  now: () => number
  /** The currency of the test item; default `CNY`. */
  currency?: string
  /** The identity the buyer logs in with; default a fresh `sandbox` identity. */
  profile?: { provider: string; subject: string }
  /** The buyer pays at the provider; resolve with the genuine payment webhook, captured, not delivered. */
  payOrder(input: { orderNumber: string }): Promise<RawWebhook>
  /** A genuinely signed payment webhook for the order that claims another amount (minor units). Absent: that case is skipped. */
  paidWebhookWithAmount?(input: { orderNumber: string; amount: number }): Promise<RawWebhook>
  /**
   * The provider's webhook for a refund that it made (after `adapter.refund` was called for it;
   * settle it at the simulator if it is asynchronous), captured, not delivered. Absent: the
   * overtaking case is skipped.
   */
  refundWebhook?(input: { orderNumber: string; refundNumber: string }): Promise<RawWebhook>
}

/** Options of {@link testPaymentLoopCases}. */
export interface TestPaymentLoopCasesOptions {
  name: string
  setup: () => Promise<PaymentLoopHarness>
  teardown?: () => Promise<void>
}

const TTL = 30 * 60_000

/** Records the orders the loop asks the adapter to refund (the money going back is what a late payment must cause). */
function spyRefunds(adapter: PaymentAdapter) {
  const numbers: string[] = []
  const refund = adapter.refund.bind(adapter)
  adapter.refund = async (input) => {
    numbers.push(input.order.number)
    return refund(input)
  }
  return {
    numbers,
    restore: () => {
      adapter.refund = refund
    },
  }
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
 * The webhook situations every payment provider produces, run inside a real (memory) loop with the
 * adapter: duplicate and concurrent copies apply once; a payment that lands after the order expired
 * (in a race with the expiry, or long after it) is recorded as `payment.late`, acknowledged and
 * refunded, never applied; a refund notice that overtakes the payment notice leaves the order
 * refunded; a genuinely signed notice with another amount is suspicious and changes nothing.
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
      const harness = h()
      const baseUrl = harness.baseUrl ?? 'https://shop.example/loop'
      let offset = 0
      const loop = createLoop({
        secret: 'payment-loop-cases-secret-0123456789abcdef',
        baseUrl,
        storage: memoryStorage(),
        payments: [harness.adapter],
        identity: [sandboxIdentity()],
        messaging: [consoleMessaging({ log: () => {} })],
        orders: { ttlMs: TTL },
        now: () => harness.now() + offset,
      })
      await loop.catalog.put({ ...duck, currency: harness.currency ?? 'CNY' })
      const profile = harness.profile ?? { provider: 'sandbox', subject: `buyer-${Math.random()}` }
      const { customer } = (await loop.customers.login({ profile })) as { customer: Customer }
      const { order } = await loop.checkout({
        customerId: customer.id,
        lines: [{ skuId: 'duck', quantity: 1 }],
        provider: harness.adapter.id,
        ...(harness.method ? { method: harness.method } : {}),
        returnUrl: `${new URL(baseUrl).origin}/orders/return`,
      })
      const deliver = (w: RawWebhook) =>
        loop.webhooks.handle({
          provider: harness.adapter.id,
          request: new Request(`${baseUrl}/webhooks/${harness.adapter.id}`, {
            method: 'POST',
            headers: w.headers,
            body: new Uint8Array(w.body),
          }),
        })
      const paidEvents = async () => (await loop.analytics.events({ types: ['order.paid'] })).length
      const advance = (ms: number) => {
        offset += ms
      }
      return { loop, order, deliver, paidEvents, advance }
    }

    it('a duplicate and concurrent copies of the payment webhook apply once', async () => {
      const { loop, order, deliver, paidEvents } = await shop()
      const webhook = await h().payOrder({ orderNumber: order.number })
      const results = await Promise.all(Array.from({ length: 5 }, () => deliver(webhook)))
      expect(results.filter((r) => r.outcome.status === 'processed')).toHaveLength(1)
      expect(results.filter((r) => r.outcome.status === 'duplicate')).toHaveLength(4)
      expect(results.every((r) => r.response.status < 300)).toBe(true)
      expect((await deliver(webhook)).outcome.status).toBe('duplicate')
      expect((await loop.orders.get(order.id))?.status).toBe('paid')
      expect(await paidEvents()).toBe(1)
      await loop.close()
    })

    it('a payment that races the expiry is refunded, not applied', async () => {
      const { loop, order, deliver, paidEvents } = await shop()
      const refunds = spyRefunds(h().adapter)
      try {
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
        expect((await loop.catalog.get('duck'))?.stock).toBe(duck.stock)
        expect(await paidEvents()).toBe(0)
        expect(await loop.analytics.events({ types: ['payment.late'] })).toHaveLength(1)
        expect(refunds.numbers).toEqual([order.number])
      } finally {
        refunds.restore()
        await loop.close()
      }
    })

    it('money for an order that expired long before is recorded as late, acknowledged and refunded', async (ctx) => {
      const { loop, order, deliver, paidEvents, advance } = await shop()
      const refunds = spyRefunds(h().adapter)
      try {
        advance(TTL + 60_000)
        expect(await loop.orders.expireDue()).toEqual({ expired: 1, paid: 0 })
        let webhook: RawWebhook
        try {
          webhook = await h().payOrder({ orderNumber: order.number })
        } catch {
          return ctx.skip('the provider refuses to take money for a closed order, so no payment can be late')
        }
        const { outcome, response } = await deliver(webhook)
        expect(outcome).toMatchObject({ status: 'suspicious', reason: 'late_payment' })
        expect(response.status).toBeLessThan(300)
        expect(await loop.orders.get(order.id)).toMatchObject({ status: 'expired' })
        expect(await loop.analytics.events({ types: ['payment.late'] })).toHaveLength(1)
        expect(refunds.numbers).toEqual([order.number])
        expect(await paidEvents()).toBe(0)
      } finally {
        refunds.restore()
        await loop.close()
      }
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
      const applied = await deliver(notice)
      expect(['processed', 'duplicate']).toContain(applied.outcome.status)
      expect(applied.response.status).toBeLessThan(300)
      expect(await loop.orders.get(order.id)).toMatchObject({ status: 'refunded', refunded: order.total })
      const late = await deliver(payment)
      expect(late.outcome.status).toBe('duplicate')
      expect(late.response.status).toBeLessThan(300)
      expect(await loop.orders.get(order.id)).toMatchObject({ status: 'refunded', refunded: order.total })
      expect(await paidEvents()).toBe(1)
      expect(await loop.analytics.events({ types: ['order.refunded'] })).toHaveLength(1)
      await loop.close()
    })

    it('a genuinely signed payment webhook with another amount is suspicious and changes nothing', async (ctx) => {
      const forge = h().paidWebhookWithAmount
      if (!forge) return ctx.skip('the harness has no paidWebhookWithAmount')
      const { loop, order, deliver, paidEvents } = await shop()
      const genuine = await h().payOrder({ orderNumber: order.number })
      for (const amount of [order.total + 1, order.total - 1, 1]) {
        const { outcome, response } = await deliver(await forge({ orderNumber: order.number, amount }))
        expect(outcome).toEqual({ status: 'suspicious', reason: 'amount_mismatch' })
        expect(response.status).toBeGreaterThanOrEqual(400)
      }
      expect((await loop.orders.get(order.id))?.status).toBe('pending')
      expect(await paidEvents()).toBe(0)
      expect((await deliver(genuine)).outcome.status).toBe('processed')
      expect(await paidEvents()).toBe(1)
      await loop.close()
    })
  })
}
