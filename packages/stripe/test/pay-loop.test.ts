// The loop with Stripe over loopback HTTP: the official SDK talks to the simulator, the simulator
// posts signed events to loop.fetch. Duplicates, out-of-order, late payments, amount mismatches,
// retries after a non-2xx, and secret rotation.
import { afterEach, describe, expect, it } from 'vitest'
import { stripeLoop } from './loop-harness.js'

let env: Awaited<ReturnType<typeof stripeLoop>> | null = null
afterEach(async () => {
  await env?.close()
  env = null
})

const paidEvents = async () => (await env!.loop.analytics.events({ types: ['order.paid'] })).length

describe('Stripe Checkout through the loop', () => {
  it('pays once from duplicated events, refunds partially, and sends an idempotency key on every create', async () => {
    env = await stripeLoop()
    const { order, action } = await env.checkout()
    expect(action.type).toBe('redirect')
    // The buyer opens the hosted page (simulated: paying) and Stripe sends three events, twice each.
    await env.sim.pay({ orderNumber: order.number, duplicates: 1 })
    await env.sim.idle()
    expect(await env.loop.orders.get(order.id)).toMatchObject({
      status: 'paid',
      providerRef: expect.stringMatching(/^pi_/),
    })
    expect(await paidEvents()).toBe(1)
    expect(env.sim.deliveries.every((d) => d.acked)).toBe(true)

    const refund = await env.loop.refunds.create({ orderId: order.id, amount: 3000 })
    expect(refund.status).toBe('succeeded')
    await env.sim.idle()
    expect(await env.loop.orders.get(order.id)).toMatchObject({
      status: 'partially_refunded',
      refunded: 3000,
    })
    const stripeRefund = env.sim.refunds()[0]!
    expect(stripeRefund).toMatchObject({
      amount: 3000,
      status: 'succeeded',
      metadata: { loopkit_refund: refund.number },
    })
    // refund.created and charge.refunded for a settled refund are acknowledged and change nothing.
    expect(
      env.sim.deliveries
        .filter((d) => d.type.startsWith('refund.') || d.type === 'charge.refunded')
        .every((d) => d.acked),
    ).toBe(true)
    expect(await env.loop.orders.get(order.id)).toMatchObject({ refunded: 3000 })

    const creates = env.sim.requests.filter((r) => r.method === 'POST')
    expect(creates.length).toBeGreaterThanOrEqual(2)
    expect(creates.every((r) => r.idempotencyKey?.startsWith('loopkit-'))).toBe(true)
  })

  it('a retried checkout gets the same Checkout Session back (same idempotency key, replayed)', async () => {
    env = await stripeLoop()
    const key = 'same-cart-twice'
    const a = await env.loop.checkout({
      customerId: env.customer.id,
      lines: [{ skuId: 'duck', quantity: 1 }],
      provider: 'stripe',
      idempotencyKey: key,
    })
    // Ten minutes later (a buyer coming back to the cart): still the same session, not a conflict.
    await env.sim.advance(10 * 60_000)
    const b = await env.loop.checkout({
      customerId: env.customer.id,
      lines: [{ skuId: 'duck', quantity: 1 }],
      provider: 'stripe',
      idempotencyKey: key,
    })
    expect(b.order.id).toBe(a.order.id)
    expect(b.action).toEqual(a.action)
    expect(env.sim.requests.filter((r) => r.path === '/v1/checkout/sessions' && r.replayed)).toHaveLength(1)
  })

  it('applies events in any order: checkout.session.completed after payment_intent.succeeded is a duplicate', async () => {
    env = await stripeLoop()
    const { order } = await env.checkout()
    const { events } = await env.sim.pay({ orderNumber: order.number, order: 'reverse' })
    expect(env.sim.deliveries.map((d) => d.type)).toEqual([
      'checkout.session.completed',
      'payment_intent.succeeded',
      'charge.succeeded',
    ])
    expect(events).toHaveLength(3)
    expect(await env.loop.orders.get(order.id)).toMatchObject({ status: 'paid' })
    expect(await paidEvents()).toBe(1)
  })

  it('a payment notice arriving after the refund notice changes nothing (order stays refunded)', async () => {
    env = await stripeLoop()
    const { order } = await env.checkout()
    // Stripe sends nothing yet; the session-completed event reaches the loop, the PI event is held back.
    const { events } = await env.sim.pay({ orderNumber: order.number, deliver: false })
    const completed = events.find((e) => e.type === 'checkout.session.completed')!
    const succeeded = events.find((e) => e.type === 'payment_intent.succeeded')!
    const sign = (e: object) => env!.sim.signWebhook({ body: JSON.stringify(e) })
    expect((await env.post(sign(completed))).status).toBe(204)
    await env.loop.refunds.create({ orderId: order.id })
    await env.sim.idle()
    expect(await env.loop.orders.get(order.id)).toMatchObject({ status: 'refunded' })
    const late = await env.post(sign(succeeded))
    expect(late.status).toBe(204)
    expect(await env.loop.orders.get(order.id)).toMatchObject({ status: 'refunded', refunded: 8800 })
    expect(await paidEvents()).toBe(1)
  })

  it('settles a pending (Alipay) refund from refund.updated, even when refund.updated comes first', async () => {
    env = await stripeLoop()
    const { order, action } = await env.checkout('alipay')
    expect(action.type).toBe('redirect')
    await env.sim.pay({ orderNumber: order.number })
    await env.sim.idle()
    const refund = await env.loop.refunds.create({ orderId: order.id, amount: 800 })
    expect(refund.status).toBe('pending')
    const stripeRefund = env.sim.refunds()[0]!
    await env.sim.settleRefund({ refundId: stripeRefund.id, order: 'reverse' })
    expect(env.sim.deliveries.slice(-2).map((d) => d.type)).toEqual(['charge.refunded', 'refund.updated'])
    expect((await env.loop.refunds.list({ orderId: order.id }))[0]).toMatchObject({
      status: 'succeeded',
      providerRef: stripeRefund.id,
    })
    expect(await env.loop.orders.get(order.id)).toMatchObject({ status: 'partially_refunded', refunded: 800 })
  })
})

describe('money and events Loopkit refuses', () => {
  it('an amount or currency that differs from the order is recorded as suspicious and changes nothing', async () => {
    env = await stripeLoop()
    const { order } = await env.checkout('card')
    const { paymentIntentId } = await env.sim.pay({ orderNumber: order.number, deliver: false })
    const real = env.sim.paymentIntent(paymentIntentId)!
    for (const object of [
      { ...real, amount: 1, amount_received: 1 },
      { ...real, amount_received: 8799 },
      { ...real, currency: 'jpy' },
    ]) {
      const res = await env.post(
        env.sim.signWebhook({ body: JSON.stringify(env.sim.event('payment_intent.succeeded', object)) }),
      )
      expect(res.status).toBe(422)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('amount_mismatch')
    }
    expect(await env.loop.orders.get(order.id)).toMatchObject({ status: 'pending' })
    expect(await env.loop.analytics.events({ types: ['payment.suspicious'] })).toHaveLength(3)
    const genuine = await env.post(
      env.sim.signWebhook({ body: JSON.stringify(env.sim.event('payment_intent.succeeded', real)) }),
    )
    expect(genuine.status).toBe(204)
    expect(await env.loop.orders.get(order.id)).toMatchObject({
      status: 'paid',
      providerRef: paymentIntentId,
    })
  })

  it('acknowledges and ignores unknown event types, failed attempts and foreign refunds', async () => {
    env = await stripeLoop()
    const { order } = await env.checkout('card')
    await env.sim.pay({ orderNumber: order.number, outcome: 'failed' })
    expect(env.sim.deliveries.map((d) => [d.type, d.status])).toEqual([
      ['payment_intent.payment_failed', 204],
    ])
    for (const [type, object] of [
      ['customer.created', { id: 'cus_1', object: 'customer' }],
      [
        'refund.updated',
        { id: 're_1', object: 'refund', status: 'succeeded', amount: 5, currency: 'usd', metadata: {} },
      ],
    ] as const) {
      const res = await env.post(env.sim.signWebhook({ body: JSON.stringify(env.sim.event(type, object)) }))
      expect(res.status).toBe(204)
    }
    expect(await env.loop.orders.get(order.id)).toMatchObject({ status: 'pending' })
  })

  it('refuses a live-mode event on a test key (403), and any unsigned or stale one (401)', async () => {
    env = await stripeLoop()
    const { order } = await env.checkout('card')
    const { paymentIntentId } = await env.sim.pay({ orderNumber: order.number, deliver: false })
    const event = {
      ...env.sim.event('payment_intent.succeeded', env.sim.paymentIntent(paymentIntentId)!),
      livemode: true,
    }
    expect((await env.post(env.sim.signWebhook({ body: JSON.stringify(event) }))).status).toBe(403)
    const stale = env.sim.signWebhook({
      body: JSON.stringify({ ...event, livemode: false }),
      timestamp: Math.floor(env.sim.now() / 1000) - 301,
    })
    expect((await env.post(stale)).status).toBe(401)
    const unsigned = { ...stale, headers: new Headers({ 'content-type': 'application/json' }) }
    expect((await env.post(unsigned)).status).toBe(401)
    expect(await env.loop.orders.get(order.id)).toMatchObject({ status: 'pending' })
  })
})

describe('late payments and closing', () => {
  it('money for an expired order is recorded and refunded in full at Stripe; stock is never oversold', async () => {
    env = await stripeLoop({ ttlMs: 10 * 60_000, stock: 1 })
    const { order } = await env.checkout()
    await env.sim.advance(11 * 60_000)
    expect(await env.loop.orders.expireDue()).toEqual({ expired: 1, paid: 0 })
    // The Checkout Session is still open (Stripe's minimum is 30 minutes): the buyer pays anyway.
    const { paymentIntentId } = await env.sim.pay({ orderNumber: order.number })
    await env.sim.idle()
    expect(await env.loop.orders.get(order.id)).toMatchObject({ status: 'expired' })
    expect(await env.loop.analytics.events({ types: ['payment.late'] })).not.toHaveLength(0)
    const refunds = env.sim.refunds().filter((r) => r.payment_intent === paymentIntentId)
    expect(refunds).toHaveLength(1)
    expect(refunds[0]).toMatchObject({ amount: 8800, status: 'succeeded' })
    expect(
      env.sim.deliveries.filter((d) => d.type === 'payment_intent.succeeded').every((d) => d.acked),
    ).toBe(true)
    expect((await env.loop.catalog.get('duck'))?.stock).toBe(1)
  })

  it('an expired card order cancels its PaymentIntent, so it can no longer be paid', async () => {
    env = await stripeLoop({ ttlMs: 10 * 60_000 })
    const { order, action } = await env.checkout('card')
    expect(action).toMatchObject({
      type: 'jsapi',
      params: { clientSecret: expect.stringMatching(/^pi_.+_secret_/) },
    })
    await env.sim.advance(11 * 60_000)
    await env.loop.orders.expireDue()
    const piId = (action as unknown as { params: { clientSecret: string } }).params.clientSecret.split(
      '_secret_',
    )[0]!
    expect(env.sim.paymentIntent(piId)).toMatchObject({ status: 'canceled' })
    expect(env.sim.requests.filter((r) => r.path === `/v1/payment_intents/${piId}/cancel`)).toHaveLength(1)
    expect(await env.loop.orders.get(order.id)).toMatchObject({ status: 'expired' })
    await expect(env.sim.pay({ orderNumber: order.number })).rejects.toThrow(/Nothing payable/)
  })
})

describe('delivery', () => {
  it('retries after a non-2xx with backoff and the loop applies the event once', async () => {
    env = await stripeLoop()
    const { order } = await env.checkout()
    env.failWebhooks(3)
    await env.sim.pay({ orderNumber: order.number })
    expect(env.sim.deliveries.map((d) => d.status)).toEqual([503, 503, 503])
    expect(await env.loop.orders.get(order.id)).toMatchObject({ status: 'pending' })
    await env.sim.advance(60_000)
    expect(await env.loop.orders.get(order.id)).toMatchObject({ status: 'paid' })
    expect(env.sim.deliveries.slice(3).map((d) => [d.attempt, d.status])).toEqual([
      [1, 204],
      [1, 204],
      [1, 204],
    ])
    expect(await paidEvents()).toBe(1)
  })

  it('keeps accepting through a secret rotation and refuses the old secret once it expired', async () => {
    env = await stripeLoop()
    // The loop was configured with the original secret only; Stripe signs with both for 24 h.
    env.sim.rotateWebhookSecret({ expireOldAfterMs: 3_600_000 })
    const a = await env.checkout()
    await env.sim.pay({ orderNumber: a.order.number })
    expect(env.sim.deliveries.at(-1)!.headers['Stripe-Signature']!.match(/v1=/g)).toHaveLength(2)
    expect(await env.loop.orders.get(a.order.id)).toMatchObject({ status: 'paid' })
    await env.sim.advance(3_600_001)
    const b = await env.checkout()
    await env.sim.pay({ orderNumber: b.order.number })
    expect(env.sim.deliveries.at(-1)).toMatchObject({ status: 401 })
    expect(await env.loop.orders.get(b.order.id)).toMatchObject({ status: 'pending' })
  })
})
