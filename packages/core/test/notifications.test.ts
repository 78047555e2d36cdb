import { backoffMs, LoopError, type MessagingAdapter, type SendInput } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { duck, testLoop } from './_setup.js'

/** A channel whose next sends fail as scripted, then succeed. */
function flakyChannel(
  script: Array<'ok' | 'transient' | 'permanent' | 'refused'>,
  consentTopic: string | null = null,
) {
  const delivered: SendInput[] = []
  const adapter: MessagingAdapter & { delivered: SendInput[] } = {
    id: 'flaky',
    canReach: () => true,
    consentFor: () => (consentTopic ? { topic: consentTopic } : null),
    async send(input) {
      const step = script.shift() ?? 'ok'
      if (step === 'transient')
        throw new LoopError({ code: 'provider_unavailable', message: 'busy', retryable: true })
      if (step === 'permanent')
        throw new LoopError({ code: 'message_invalid', message: 'bad', retryable: false })
      if (step === 'refused')
        throw new LoopError({ code: 'recipient_refused', message: '43101', retryable: false })
      delivered.push(input)
      return { providerMessageId: `m${delivered.length}` }
    },
    delivered,
  }
  return adapter
}

async function paidOrder(t: ReturnType<typeof testLoop>) {
  await t.loop.catalog.put(duck)
  const c = await t.customer('ann')
  const { order } = await t.loop.checkout({ customerId: c.id, lines: [{ skuId: 'duck', quantity: 1 }] })
  await t.loop.fetch(await t.sandbox.pay({ orderNumber: order.number }))
  return { c, order }
}

describe('the outbox dispatcher', () => {
  it('retries transient failures with exponential backoff, then delivers once', async () => {
    const channel = flakyChannel(['transient', 'transient', 'ok'])
    const t = testLoop({ messaging: [channel], notifications: { backoff: { baseMs: 1000, maxMs: 60_000 } } })
    await paidOrder(t)
    expect(await t.loop.notify.dispatch()).toMatchObject({ claimed: 1, retried: 1 })
    expect(await t.loop.notify.dispatch()).toMatchObject({ claimed: 0 }) // not due yet
    t.clock.advance(1000)
    expect(await t.loop.notify.dispatch()).toMatchObject({ claimed: 1, retried: 1 })
    t.clock.advance(2000)
    expect(await t.loop.notify.dispatch()).toMatchObject({ claimed: 1, sent: 1 })
    t.clock.advance(60_000)
    expect(await t.loop.notify.dispatch()).toMatchObject({ claimed: 0 })
    expect(channel.delivered).toHaveLength(1)
    expect(channel.delivered[0]!.dedupeKey).toMatch(/^order\.paid:ord_\w+:flaky$/)
  })

  it('dead-letters a permanent failure at once and a transient one after maxAttempts', async () => {
    const permanent = testLoop({ messaging: [flakyChannel(['permanent'])] })
    await paidOrder(permanent)
    expect(await permanent.loop.notify.dispatch()).toMatchObject({ dead: 1 })
    expect(await permanent.loop.notify.list({ status: 'dead' })).toHaveLength(1)

    const transient = testLoop({
      messaging: [flakyChannel(Array(10).fill('transient'))],
      notifications: { maxAttempts: 3, backoff: { baseMs: 10, maxMs: 10 } },
    })
    await paidOrder(transient)
    for (let i = 0; i < 3; i++) {
      await transient.loop.notify.dispatch()
      transient.clock.advance(10)
    }
    const [row] = await transient.loop.notify.list({ status: 'dead' })
    expect(row).toBeDefined()
    expect(await transient.loop.analytics.events({ types: ['notification.dead'] })).toHaveLength(1)
  })

  it('a one-time consent is consumed by a send; without one the message is dead-lettered as consent_missing', async () => {
    const channel = flakyChannel([], 'order.paid')
    const t = testLoop({ messaging: [channel] })
    const { c } = await paidOrder(t)
    await t.loop.notify.dispatch()
    expect(channel.delivered).toHaveLength(0)
    expect((await t.loop.notify.list({ status: 'dead' }))[0]).toBeDefined()

    await t.loop.customers.grantConsent({ customerId: c.id, channel: 'flaky', topic: 'order.paid', count: 1 })
    const { order } = await t.loop.checkout({ customerId: c.id, lines: [{ skuId: 'duck', quantity: 1 }] })
    await t.loop.fetch(await t.sandbox.pay({ orderNumber: order.number }))
    await t.loop.notify.dispatch()
    expect(channel.delivered).toHaveLength(1)
    expect((await t.loop.customers.get(c.id))!.consents[0]).toMatchObject({ remaining: 0 })
  })

  it('a refusal (WeChat 43101) revokes the consent and is not retried', async () => {
    const channel = flakyChannel(['refused'], 'order.paid')
    const t = testLoop({ messaging: [channel] })
    await t.loop.catalog.put(duck)
    const c = await t.customer('bo')
    await t.loop.customers.grantConsent({ customerId: c.id, channel: 'flaky', topic: 'order.paid', count: 3 })
    const { order } = await t.loop.checkout({ customerId: c.id, lines: [{ skuId: 'duck', quantity: 1 }] })
    await t.loop.fetch(await t.sandbox.pay({ orderNumber: order.number }))
    expect(await t.loop.notify.dispatch()).toMatchObject({ dead: 1 })
    const consent = (await t.loop.customers.get(c.id))!.consents[0]!
    expect(consent.revokedAt).not.toBeNull()
  })

  it('two dispatchers running at once deliver each message exactly once', async () => {
    const channel = flakyChannel([])
    const t = testLoop({ messaging: [channel] })
    await t.loop.catalog.put(duck)
    const buyers = await Promise.all(Array.from({ length: 20 }, (_, i) => t.customer(`c${i}`)))
    for (const b of buyers) {
      const { order } = await t.loop.checkout({ customerId: b.id, lines: [{ skuId: 'duck', quantity: 1 }] })
      await t.loop.fetch(await t.sandbox.pay({ orderNumber: order.number }))
    }
    await Promise.all([
      t.loop.notify.dispatch({ limit: 7 }),
      t.loop.notify.dispatch({ limit: 7 }),
      t.loop.notify.dispatch({ limit: 7 }),
    ])
    await t.loop.notify.dispatch()
    const keys = channel.delivered.map((d) => d.dedupeKey)
    expect(keys).toHaveLength(20)
    expect(new Set(keys).size).toBe(20)
  })

  it('backoff grows exponentially with jitter and is capped', () => {
    const lo = () => 0
    const hi = () => 0.999999
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 1000, 5000, hi))).toEqual([1000, 2000, 4000, 5000])
    expect([1, 2, 3].map((n) => backoffMs(n, 1000, 5000, lo))).toEqual([500, 1000, 2000])
  })

  it('a throwing listener cannot break the loop', async () => {
    const errors: string[] = []
    const t = testLoop({ onError: (_e, where) => errors.push(where) })
    t.loop.on('order.paid', () => {
      throw new Error('listener bug')
    })
    const seen: string[] = []
    t.loop.on('order.paid', (e) => seen.push(e.type))
    const { order } = await paidOrder(t)
    expect((await t.loop.orders.get(order.id))?.status).toBe('paid')
    expect(seen).toEqual(['order.paid'])
    expect(errors).toEqual(['listener for order.paid'])
  })
})

describe('refunds', () => {
  it('full and partial refunds; the sum never exceeds what was paid, also concurrently', async () => {
    const t = testLoop()
    const { order } = await paidOrder(t)
    const partial = await t.loop.refunds.create({
      orderId: order.id,
      amount: 3000,
      idempotencyKey: 'refund-0001',
    })
    expect(partial.status).toBe('succeeded')
    expect(await t.loop.orders.get(order.id)).toMatchObject({ status: 'partially_refunded', refunded: 3000 })
    const again = await t.loop.refunds.create({
      orderId: order.id,
      amount: 3000,
      idempotencyKey: 'refund-0001',
    })
    expect(again.id).toBe(partial.id)
    const racing = await Promise.allSettled(
      Array.from({ length: 5 }, () => t.loop.refunds.create({ orderId: order.id, amount: 2000 })),
    )
    expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(2)
    expect(
      racing
        .filter((r) => r.status === 'rejected')
        .every((r) => (r as PromiseRejectedResult).reason.code === 'refund_exceeds_paid'),
    ).toBe(true)
    expect(await t.loop.orders.get(order.id)).toMatchObject({ status: 'partially_refunded', refunded: 7000 })
    await t.loop.refunds.create({ orderId: order.id })
    expect(await t.loop.orders.get(order.id)).toMatchObject({ status: 'refunded', refunded: 8800 })
    await expect(t.loop.refunds.create({ orderId: order.id, amount: 1 })).rejects.toMatchObject({
      code: 'invalid_transition',
    })
    await t.loop.notify.dispatch()
    const topics = t.messages.sent.map((m) => m.message.topic)
    expect(topics.filter((x) => x === 'order.refunded')).toHaveLength(4)
  })

  it('an unpaid order cannot be refunded', async () => {
    const t = testLoop()
    await t.loop.catalog.put(duck)
    const c = await t.customer('x')
    const { order } = await t.loop.checkout({ customerId: c.id, lines: [{ skuId: 'duck', quantity: 1 }] })
    await expect(t.loop.refunds.create({ orderId: order.id })).rejects.toMatchObject({
      code: 'invalid_transition',
    })
  })
})
