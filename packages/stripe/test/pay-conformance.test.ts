// Stripe as a full PaymentAdapter: the methods a loop picks it by, the checks made before checkout
// writes anything, and refund queries that let `loop.refunds.reconcile()` settle what a lost answer
// or a lost webhook left pending — all against the simulator over loopback HTTP.
import type { Order, Refund } from '@loopkit/core'
import { afterEach, describe, expect, it } from 'vitest'
import { stripePayMethods, stripePayments } from '../src/index.js'
import { buyer } from './harness.js'
import { stripeLoop } from './loop-harness.js'

let env: Awaited<ReturnType<typeof stripeLoop>> | null = null
afterEach(async () => {
  await env?.close()
  env = null
})

const options = {
  secretKey: 'sk_test_conformance',
  webhookSecret: 'whsec_conformance',
  apiBase: 'http://127.0.0.1:9',
}

describe('validatePayment', () => {
  const adapter = stripePayments(options)
  const check = (input: { method?: string; total?: number; currency?: string; returnUrl?: string }) =>
    adapter.validatePayment({ customer: buyer, total: 8800, currency: 'USD', ...input })

  it('declares the methods createPayment accepts', () => {
    expect(adapter.methods).toEqual(['checkout', 'card', 'alipay', 'wechat_pay'])
    expect(adapter.methods).toEqual(stripePayMethods)
  })

  it('accepts what Stripe takes: a card needs no return URL, a redirect does', () => {
    expect(() => check({ method: 'card' })).not.toThrow()
    expect(() => check({ method: 'checkout', returnUrl: 'https://shop.example/thanks' })).not.toThrow()
    expect(() => check({ method: 'alipay', currency: 'CNY', returnUrl: 'https://s.example/r' })).not.toThrow()
    expect(() => check({ method: 'card', total: 1230, currency: 'KWD' })).not.toThrow()
    expect(() => check({ method: 'card', total: 500, currency: 'JPY' })).not.toThrow()
  })

  it.each([
    ['an unknown method', { method: 'jsapi' }, /Unknown Stripe method/],
    ['a redirect method without a return URL', { method: 'checkout' }, /returnUrl/],
    [
      'a three-decimal amount not ending in 0',
      { method: 'card', total: 1235, currency: 'KWD' },
      /multiples of 10/,
    ],
    ['an unknown currency', { method: 'card', currency: 'XYZ' }, /Unknown currency/],
    ['a zero amount', { method: 'card', total: 0 }, /from 1 to/],
    ['more than eight digits', { method: 'card', total: 100_000_000 }, /from 1 to/],
    // ISK is zero-decimal in ISO 4217, two-decimal at Stripe: 1,000,000 ISK is 100,000,000 units.
    [
      'ISK over eight digits in Stripe units',
      { method: 'card', total: 1_000_000, currency: 'ISK' },
      /from 1 to/,
    ],
  ])('refuses %s with invalid_input', (_, input, message) => {
    expect(() => check(input)).toThrow(
      expect.objectContaining({ code: 'invalid_input', message: expect.stringMatching(message) }),
    )
  })
})

describe('checkout refuses before writing anything', () => {
  it('a KWD price Stripe cannot take leaves no order and no reservation', async () => {
    env = await stripeLoop({ currency: 'KWD', price: 1235 })
    await expect(env.checkout('card')).rejects.toMatchObject({ code: 'invalid_input' })
    await expect(env.checkout('jsapi')).rejects.toMatchObject({ code: 'invalid_input' })
    expect(await env.loop.orders.list({ limit: 10 })).toHaveLength(0)
    expect((await env.loop.catalog.get('duck'))?.stock).toBe(10)
    expect(env.sim.requests).toHaveLength(0)
  })
})

describe('queryRefund', () => {
  it('is null for an order without a PaymentIntent and for a refund Stripe never received', async () => {
    env = await stripeLoop()
    const adapter = stripePayments(env.sim.adapterOptions())
    const { order } = await env.checkout()
    const refund: Refund = {
      id: 'rf_1',
      number: 'R0000000000000000001',
      orderId: order.id,
      amount: 100,
      currency: 'USD',
      status: 'pending',
      providerRef: null,
      reason: null,
      createdAt: 0,
      updatedAt: 0,
    }
    expect(await adapter.queryRefund({ order, refund })).toBeNull()
    await env.sim.pay({ orderNumber: order.number })
    await env.sim.idle()
    const paid = (await env.loop.orders.get(order.id)) as Order
    expect(await adapter.queryRefund({ order: paid, refund })).toBeNull()
    expect(env.sim.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/refunds', status: 200 })
  })

  it('finds a refund by its number past the first page of the PaymentIntent’s refunds', async () => {
    env = await stripeLoop()
    const adapter = stripePayments(env.sim.adapterOptions())
    const { order } = await env.checkout()
    await env.sim.pay({ orderNumber: order.number })
    await env.sim.idle()
    const first = await env.loop.refunds.create({ orderId: order.id, amount: 7 })
    for (let i = 0; i < 100; i++) await env.loop.refunds.create({ orderId: order.id, amount: 1 })
    const paid = (await env.loop.orders.get(order.id)) as Order
    const found = await adapter.queryRefund({ order: paid, refund: first })
    expect(found).toMatchObject({ status: 'succeeded', refundNumber: first.number, amount: 7 })
    expect(found?.providerRef).toBe(env.sim.refunds().find((r) => r.amount === 7)?.id)
    const listed = env.sim.requests.filter((r) => r.path === '/v1/refunds' && r.method === 'GET')
    expect(listed).toHaveLength(2)
  })
})

describe('queryRefund answers Loopkit cannot trust', () => {
  it('a Stripe refund in another currency than the refund is amount_mismatch', async () => {
    env = await stripeLoop()
    const adapter = stripePayments(env.sim.adapterOptions())
    const { order } = await env.checkout()
    await env.sim.pay({ orderNumber: order.number })
    await env.sim.idle()
    const refund = await env.loop.refunds.create({ orderId: order.id, amount: 500 })
    const paid = (await env.loop.orders.get(order.id)) as Order
    await expect(
      adapter.queryRefund({ order: paid, refund: { ...refund, currency: 'EUR' } }),
    ).rejects.toMatchObject({ code: 'amount_mismatch' })
  })
})

describe('refund reconciliation against the simulator', () => {
  it('a refund whose call to Stripe failed is sent again under the same key and settled', async () => {
    env = await stripeLoop()
    const { order } = await env.checkout()
    await env.sim.pay({ orderNumber: order.number })
    await env.sim.idle()
    // Stripe is down for the first call and the SDK's two retries.
    env.sim.failNext({ status: 503, path: '/v1/refunds', times: 3 })
    await expect(env.loop.refunds.create({ orderId: order.id, amount: 3000 })).rejects.toMatchObject({
      code: 'provider_unavailable',
    })
    const [pending] = await env.loop.refunds.list({ orderId: order.id })
    expect(pending).toMatchObject({ status: 'pending', amount: 3000 })
    expect(env.sim.refunds()).toHaveLength(0)

    await env.sim.advance(61_000)
    expect(await env.loop.refunds.reconcile()).toMatchObject({ checked: 1, succeeded: 1, errors: 0 })
    await env.sim.idle()
    const atStripe = env.sim.refunds()
    expect(atStripe).toHaveLength(1)
    expect(atStripe[0]).toMatchObject({ amount: 3000, metadata: { loopkit_refund: pending!.number } })
    expect((await env.loop.refunds.list({ orderId: order.id }))[0]).toMatchObject({
      status: 'succeeded',
      providerRef: atStripe[0]!.id,
    })
    expect(await env.loop.orders.get(order.id)).toMatchObject({
      status: 'partially_refunded',
      refunded: 3000,
    })
    // A second pass finds nothing left to do and sends nothing twice.
    await env.sim.advance(61_000)
    expect(await env.loop.refunds.reconcile()).toMatchObject({ checked: 0 })
    expect(env.sim.refunds()).toHaveLength(1)
  })

  it('an Alipay refund Stripe settled without a webhook reaching the shop is settled by the query', async () => {
    env = await stripeLoop()
    const { order } = await env.checkout('alipay')
    await env.sim.pay({ orderNumber: order.number })
    await env.sim.idle()
    const refund = await env.loop.refunds.create({ orderId: order.id, amount: 800 })
    expect(refund.status).toBe('pending')
    const stripeRefund = env.sim.refunds()[0]!
    await env.sim.settleRefund({ refundId: stripeRefund.id, deliver: false })
    await env.sim.advance(61_000)
    expect((await env.loop.refunds.list({ orderId: order.id }))[0]).toMatchObject({ status: 'pending' })
    expect(await env.loop.refunds.reconcile()).toMatchObject({ checked: 1, succeeded: 1, errors: 0 })
    expect(env.sim.refunds()).toHaveLength(1)
    expect(await env.loop.orders.get(order.id)).toMatchObject({ status: 'partially_refunded', refunded: 800 })
  })

  it('a refund Stripe failed is settled as failed and the money counts as unrefunded', async () => {
    env = await stripeLoop()
    const { order } = await env.checkout('alipay')
    await env.sim.pay({ orderNumber: order.number })
    await env.sim.idle()
    const refund = await env.loop.refunds.create({ orderId: order.id, amount: 800 })
    await env.sim.settleRefund({ refundId: env.sim.refunds()[0]!.id, status: 'failed', deliver: false })
    await env.sim.advance(61_000)
    expect(await env.loop.refunds.reconcile()).toMatchObject({ checked: 1, failed: 1 })
    expect((await env.loop.refunds.list({ orderId: order.id }))[0]).toMatchObject({
      id: refund.id,
      status: 'failed',
    })
    expect(await env.loop.orders.get(order.id)).toMatchObject({ status: 'paid', refunded: 0 })
  })
})
