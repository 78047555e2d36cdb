import { createLoop, type LoopPlugin } from '@loopkit/core'
import { consoleMessaging, memoryStorage, sandboxIdentity, sandboxPayments } from '@loopkit/core/dev'
import { describe, expect, it } from 'vitest'
import { browser, sandboxLogin } from './_browser.js'

function setup() {
  const sandbox = sandboxPayments()
  const messages = consoleMessaging({ log: () => {} })
  const rewardCalls: string[] = []
  const rewards: LoopPlugin = {
    id: 'test-rewards',
    hooks: {
      orderPaid: [
        ({ order }) => {
          if (order.attribution) rewardCalls.push(`${order.attribution.sharerId}<-${order.id}`)
        },
      ],
    },
  }
  const loop = createLoop({
    secret: 'test-secret-test-secret-test-secret-0001',
    baseUrl: 'http://shop.test/loop',
    storage: memoryStorage(),
    payments: [sandbox],
    identity: [sandboxIdentity()],
    messaging: [messages],
    plugins: [rewards],
  })
  return { loop, sandbox, messages, rewardCalls }
}

const duck = {
  id: 'duck',
  title: 'Nanjing salted duck',
  description: '盐水鸭',
  imageUrl: null,
  price: 8800,
  currency: 'CNY',
  stock: 10,
  active: true,
}

async function buy(b: ReturnType<typeof browser>, skuId: string) {
  const res = await b.request('/loop/checkout', { method: 'POST', json: { lines: [{ skuId, quantity: 1 }] } })
  expect(res.status).toBe(201)
  const { order, action } = (await res.json()) as {
    order: { id: string; number: string }
    action: { type: string; url: string }
  }
  expect(action.type).toBe('redirect')
  // The buyer presses "Pay" on the sandbox page; the sandbox delivers its webhook to the loop.
  const pay = await b.request(new URL(action.url).pathname, { method: 'POST' })
  expect(pay.status).toBe(303)
  return order
}

describe('the whole loop through loop.fetch', () => {
  it('A logs in, pays, is notified, shares; B opens the link, logs in, pays, is attributed to A; the reward hook runs once', async () => {
    const { loop, sandbox, messages, rewardCalls } = setup()
    await loop.catalog.put(duck)

    const a = browser(loop.fetch)
    const login = await sandboxLogin(a, 'Alice', 'returnTo=/welcome')
    expect(login.done.status).toBe(302)
    expect(login.done.headers.get('location')).toBe('/welcome') // a clean URL: no code, no state
    const me = (await (await a.request('/loop/me')).json()) as { customer: { id: string } }
    const alice = me.customer.id

    const orderA = await buy(a, 'duck')
    const statusA = (await (await a.request(`/loop/orders/${orderA.id}`)).json()) as {
      order: { status: string }
    }
    expect(statusA.order.status).toBe('paid')

    await loop.notify.dispatch()
    const inboxA = (await (await a.request('/loop/notifications')).json()) as {
      notifications: Array<{ status: string; message: { topic: string } }>
    }
    expect(inboxA.notifications).toEqual([
      expect.objectContaining({ status: 'sent', message: expect.objectContaining({ topic: 'order.paid' }) }),
    ])
    expect(messages.sent.map((m) => m.customerId)).toEqual([alice])

    const shareRes = await a.request('/loop/shares', {
      method: 'POST',
      json: { skuId: 'duck', channel: 'wechat' },
    })
    expect(shareRes.status).toBe(201)
    const { link, token } = (await shareRes.json()) as { link: string; token: string }
    expect(token.length).toBeLessThanOrEqual(32)

    const b = browser(loop.fetch)
    const landing = await b.request(new URL(link).pathname)
    expect(landing.status).toBe(302)
    expect(landing.headers.get('location')).toBe(`/?sku=duck&share=${token}`)
    await sandboxLogin(b, 'Bob', `returnTo=/&share=${token}`)
    const orderB = await buy(b, 'duck')

    const stored = await loop.orders.get(orderB.id)
    expect(stored?.status).toBe('paid')
    expect(stored?.attribution?.sharerId).toBe(alice)
    expect(rewardCalls).toEqual([`${alice}<-${orderB.id}`])

    // The provider redelivers the same webhook: nothing runs twice.
    const again = await loop.fetch(await sandbox.pay({ orderNumber: orderB.number }))
    expect(again.status).toBe(204)
    expect(rewardCalls).toHaveLength(1)

    // The people funnel (#15): distinct people per step, not events.
    const funnel = await loop.analytics.funnel()
    expect(Object.fromEntries(funnel.steps.map((s) => [s.step, s.people]))).toMatchObject({
      logged_in: 2,
      checked_out: 2,
      paid: 2,
      shared: 1,
      friend_visited: 1,
      friend_bought: 1,
    })
    expect((await loop.catalog.get('duck'))?.stock).toBe(8)
  })
})

describe('webhook inbox', () => {
  async function pendingOrder() {
    const ctx = setup()
    await ctx.loop.catalog.put(duck)
    const b = browser(ctx.loop.fetch)
    await sandboxLogin(b, 'Carol')
    const res = await b.request('/loop/checkout', {
      method: 'POST',
      json: { lines: [{ skuId: 'duck', quantity: 2 }] },
    })
    const { order } = (await res.json()) as { order: { id: string; number: string } }
    return { ...ctx, order }
  }

  it('10 concurrent deliveries of the same webhook give exactly one order.paid', async () => {
    const { loop, sandbox, order } = await pendingOrder()
    const paidEvents: string[] = []
    loop.on('order.paid', (e) => paidEvents.push(e.orderId!))
    const webhook = await sandbox.pay({ orderNumber: order.number })
    const responses = await Promise.all(Array.from({ length: 10 }, () => loop.fetch(webhook.clone())))
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(204))
    expect(paidEvents).toEqual([order.id])
    expect(await loop.analytics.events({ types: ['order.paid'] })).toHaveLength(1)
    expect(
      await loop.notify.list({ customerId: (await loop.orders.get(order.id))!.customerId }),
    ).toHaveLength(1)
  })

  it('a forged signature is rejected and changes nothing', async () => {
    const { loop, sandbox, order } = await pendingOrder()
    const forged = await sandbox.pay({ orderNumber: order.number, signature: 'forged' })
    const res = await loop.fetch(forged)
    expect(res.status).toBe(401)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('signature_invalid')
    expect((await loop.orders.get(order.id))?.status).toBe('pending')
    expect(await loop.analytics.events({ types: ['order.paid'] })).toHaveLength(0)
    expect(await loop.analytics.events({ types: ['webhook.rejected'] })).toHaveLength(1)
  })

  it('a stale signature is rejected', async () => {
    const { loop, sandbox, order } = await pendingOrder()
    const res = await loop.fetch(
      await sandbox.pay({ orderNumber: order.number, at: Date.now() - 10 * 60_000 }),
    )
    expect(res.status).toBe(401)
    expect((await loop.orders.get(order.id))?.status).toBe('pending')
  })

  it('an amount mismatch is recorded as suspicious and the order stays unpaid', async () => {
    const { loop, sandbox, order } = await pendingOrder()
    const res = await loop.fetch(await sandbox.pay({ orderNumber: order.number, amount: 1 }))
    expect(res.status).toBe(422)
    expect((await loop.orders.get(order.id))?.status).toBe('pending')
    const suspicious = await loop.analytics.events({ types: ['payment.suspicious'] })
    expect(suspicious).toHaveLength(1)
    expect(suspicious[0]!.data).toMatchObject({
      reason: 'amount_mismatch',
      received: { amount: 1, currency: 'CNY' },
    })
  })

  it('a payment for an order that expired meanwhile is refunded, not applied: no oversell', async () => {
    const { loop, sandbox, order } = await pendingOrder()
    const webhook = await sandbox.pay({ orderNumber: order.number })
    const stored = (await loop.orders.get(order.id))!
    await loop.storage.transitionOrder({
      id: order.id,
      from: ['pending'],
      to: 'expired',
      releaseStock: true,
      now: stored.expiresAt,
    })
    const res = await loop.fetch(webhook)
    expect(res.status).toBe(204)
    expect((await loop.orders.get(order.id))?.status).toBe('expired')
    expect((await loop.catalog.get('duck'))?.stock).toBe(10)
    expect(await loop.analytics.events({ types: ['payment.late'] })).toHaveLength(1)
    expect((await sandbox.queryPayment({ orderNumber: order.number }))?.status).toBe('refunded')
  })
})
