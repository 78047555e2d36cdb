import { createLoop, type Loop, type Order } from '@loopkit/core'
import { memoryStorage } from '@loopkit/core/dev'
import { describe, expect, it } from 'vitest'
import { expectCode, rejection } from './assert.js'
import type { PaymentHarness } from './index.js'

const SKU = 'sku_contract'
const RETRY_MS = 60_000

/** A loop (memory storage) around the harness adapter, with a clock the case can move forward. */
interface Shop {
  loop: Loop
  customerId: string
  /** Moves the loop's clock (not the provider's) forward. */
  advance(ms: number): void
  stock(): Promise<number | null>
  /** Delivers a captured provider webhook to the loop's inbox. */
  deliver(orderNumber: string): Promise<{ status: string; reason?: string; http: number }>
  errors: unknown[]
}

async function openShop(h: PaymentHarness): Promise<Shop | null> {
  const suffix = `/webhooks/${h.adapter.id}`
  // The loop's notify URL must be the harness's, so the provider's webhooks reach the harness.
  if (!h.notifyUrl.endsWith(suffix)) return null
  let offset = 0
  const errors: unknown[] = []
  const clock = h.now ?? Date.now
  const loop = createLoop({
    secret: 'payment-contract-secret-0123456789abcdef',
    baseUrl: h.notifyUrl.slice(0, -suffix.length),
    storage: memoryStorage(),
    payments: [h.adapter],
    now: () => clock() + offset,
    refunds: { retryAfterMs: RETRY_MS },
    onError: (error) => void errors.push(error),
  })
  const identity = h.customer.identities[0] ?? { provider: 'contract', subject: h.customer.id }
  const { customer } = await loop.customers.login({
    profile: { provider: identity.provider, subject: identity.subject },
  })
  await loop.catalog.put({
    id: SKU,
    title: 'Contract test item',
    description: null,
    imageUrl: null,
    price: 1000,
    currency: h.currency ?? 'CNY',
    stock: 5,
    active: true,
  })
  return {
    loop,
    customerId: customer.id,
    errors,
    advance: (ms) => {
      offset += ms
    },
    stock: async () => (await loop.catalog.get(SKU))?.stock ?? null,
    async deliver(orderNumber) {
      const w = await h.payOrder({ orderNumber })
      const request = new Request(w.url ?? h.notifyUrl, {
        method: 'POST',
        headers: w.headers,
        body: new Uint8Array(w.body),
      })
      const { outcome, response } = await loop.webhooks.handle({ provider: h.adapter.id, request })
      return { ...outcome, http: response.status } as { status: string; reason?: string; http: number }
    },
  }
}

const checkout = (shop: Shop, h: PaymentHarness, method?: string) =>
  shop.loop.checkout({
    customerId: shop.customerId,
    lines: [{ skuId: SKU, quantity: 1 }],
    provider: h.adapter.id,
    clientIp: '203.0.113.7',
    ...((method ?? h.method) ? { method: method ?? h.method } : {}),
  })

/** Expires an order in storage only, as when the loop gave up on it but the buyer still paid. */
async function expireLocally(shop: Shop, order: Order): Promise<void> {
  await shop.loop.storage.transitionOrder({
    id: order.id,
    from: ['pending'],
    to: 'expired',
    releaseStock: true,
    now: Date.now(),
  })
}

/** Reconciles until the refund leaves `pending`, letting the provider finish it once if it can. */
async function reconcileUntilSettled(shop: Shop, h: PaymentHarness, refundNumber: string): Promise<void> {
  for (let pass = 0; pass < 3; pass++) {
    shop.advance(RETRY_MS + 1)
    const result = await shop.loop.refunds.reconcile()
    expect(result.errors, String(shop.errors.at(-1))).toBe(0)
    const refund = await shop.loop.storage.getRefundByNumber({ number: refundNumber })
    if (refund?.status !== 'pending') return
    await h.settleRefund?.({ refundNumber })
  }
}

/** The cases that need a loop around the adapter (issue #9): what checkout and webhooks do with it. */
export function loopCases(h: () => PaymentHarness): void {
  describe('in a loop', () => {
    it('#9.4 checkout refuses a method the provider does not support before writing anything', async (ctx) => {
      if (!h().adapter.validatePayment) return ctx.skip('the adapter has no validatePayment')
      const shop = await openShop(h())
      if (!shop) return ctx.skip('notifyUrl does not end with /webhooks/<id>')
      expectCode(await rejection(checkout(shop, h(), 'no-such-method')), ['invalid_input'])
      expect(await shop.loop.orders.list({ customerId: shop.customerId })).toEqual([])
      expect(await shop.stock()).toBe(5)
      expect(await shop.loop.analytics.events({ types: ['order.created'] })).toEqual([])
    })

    it('#9.4 a failed createPayment cancels the order and returns its stock at once', async (ctx) => {
      const fail = h().failNext
      if (!fail) return ctx.skip('the harness has no failNext')
      const shop = await openShop(h())
      if (!shop) return ctx.skip('notifyUrl does not end with /webhooks/<id>')
      fail({ operation: 'createPayment' })
      expect(await rejection(checkout(shop, h()))).not.toBeNull()
      const [order] = await shop.loop.orders.list({ customerId: shop.customerId })
      expect(order?.status).toBe('cancelled')
      expect(await shop.stock()).toBe(5)
      const [cancelled] = await shop.loop.analytics.events({ types: ['order.cancelled'] })
      expect(cancelled?.data).toMatchObject({ number: order!.number, reason: 'payment_failed' })
      const next = await checkout(shop, h())
      expect(next.order.status).toBe('pending')
      expect(await shop.stock()).toBe(4)
    })

    it('#9.9 a late payment keeps the payment and a pending refund when the refund call fails', async (ctx) => {
      const fail = h().failNext
      if (!fail) return ctx.skip('the harness has no failNext')
      const shop = await openShop(h())
      if (!shop) return ctx.skip('notifyUrl does not end with /webhooks/<id>')
      const { order } = await checkout(shop, h())
      await expireLocally(shop, order)
      fail({ operation: 'refund' })
      const delivered = await shop.deliver(order.number)
      expect(delivered).toMatchObject({ status: 'suspicious', reason: 'late_payment' })
      expect(delivered.http).toBeLessThan(300)
      const [refund] = await shop.loop.refunds.list({ orderId: order.id })
      expect(refund).toMatchObject({ status: 'pending', amount: order.total })
      const payments = await shop.loop.storage.listPayments({ orderId: order.id })
      expect(payments.map((p) => p.status)).toEqual(['succeeded'])
      expect(await shop.loop.orders.get(order.id)).toMatchObject({ status: 'expired' })
      expect(await shop.stock()).toBe(5)

      // #9.10: reconciliation sends it again under the same number and settles it.
      await reconcileUntilSettled(shop, h(), refund!.number)
      expect((await shop.loop.refunds.list({ orderId: order.id }))[0]).toMatchObject({
        number: refund!.number,
        status: 'succeeded',
      })
      expect(await shop.loop.orders.get(order.id)).toMatchObject({ status: 'expired' })
    })

    it('#9.10 reconcile finishes a refund whose provider call failed', async (ctx) => {
      const fail = h().failNext
      if (!fail) return ctx.skip('the harness has no failNext')
      const shop = await openShop(h())
      if (!shop) return ctx.skip('notifyUrl does not end with /webhooks/<id>')
      const { order } = await checkout(shop, h())
      expect(await shop.deliver(order.number)).toMatchObject({ status: 'processed' })
      fail({ operation: 'refund' })
      expect(await rejection(shop.loop.refunds.create({ orderId: order.id, amount: 400 }))).not.toBeNull()
      const [refund] = await shop.loop.refunds.list({ orderId: order.id })
      expect(refund).toMatchObject({ status: 'pending', amount: 400 })
      // Too young for the background pass: a refund in flight is left alone.
      expect((await shop.loop.refunds.reconcile()).checked).toBe(0)
      await reconcileUntilSettled(shop, h(), refund!.number)
      expect(await shop.loop.orders.get(order.id)).toMatchObject({
        status: 'partially_refunded',
        refunded: 400,
      })
    })
  })
}
