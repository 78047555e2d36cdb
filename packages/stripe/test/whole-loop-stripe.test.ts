import { createLoop } from '@loopkit/core'
import { consoleMessaging, memoryStorage, sandboxIdentity } from '@loopkit/core/dev'
import { referralRewards } from '@loopkit/core/plugins'
import { type StripeSimulator, startSimulatorServer, stripeSimulator } from '@loopkit/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stripePayments } from '../src/index.js'

// The foundation's whole-loop test with Stripe in place of the sandbox payments: every Stripe API
// call goes from the official SDK over loopback to the simulator, the buyer's browser opens the
// Checkout URL, and Stripe's signed events come back to loop.fetch over HTTP.

const duck = {
  id: 'duck',
  title: 'Nanjing salted duck',
  description: '盐水鸭',
  imageUrl: null,
  price: 2500,
  currency: 'USD',
  stock: 10,
  active: true,
}

let sim: StripeSimulator
let shop: Awaited<ReturnType<typeof startSimulatorServer>>
let loop: ReturnType<typeof createLoop>
const messages = consoleMessaging({ log: () => {} })
const rewardsSeen: string[] = []

beforeAll(async () => {
  sim = await stripeSimulator()
  let handler: (req: Request) => Promise<Response> = async () => new Response(null, { status: 503 })
  shop = await startSimulatorServer({ handlers: [(req) => handler(req)] })
  loop = createLoop({
    secret: 'stripe-whole-loop-secret-0123456789abcdef',
    baseUrl: `${shop.url}/loop`,
    storage: memoryStorage(),
    now: sim.now,
    payments: [stripePayments({ ...sim.adapterOptions(), returnUrl: `${shop.url}/thanks` })],
    identity: [sandboxIdentity()],
    messaging: [messages],
    plugins: [referralRewards({ reward: { type: 'fixed', amount: 300 } })],
  })
  loop.on('reward.accrued', (e) => rewardsSeen.push(e.data.sharerId))
  handler = (req) => loop.fetch(req)
  sim.setWebhookUrl(`${shop.url}/loop/webhooks/stripe`)
  await loop.catalog.put(duck)
})

afterAll(async () => {
  await loop?.close()
  await shop?.close()
  await sim?.close()
})

/** A browser over real HTTP: keeps cookies, logs in on the sandbox page, pays on Stripe Checkout. */
function browser() {
  const jar = new Map<string, string>()
  async function request(
    url: string,
    init: RequestInit & { form?: Record<string, string>; json?: unknown } = {},
  ) {
    const headers = new Headers(init.headers)
    if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '))
    let body = init.body
    if (init.form) {
      headers.set('content-type', 'application/x-www-form-urlencoded')
      body = new URLSearchParams(init.form).toString()
    }
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json')
      body = JSON.stringify(init.json)
    }
    const res = await fetch(new URL(url, shop.url), {
      ...init,
      headers,
      body: body ?? null,
      redirect: 'manual',
    })
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const i = pair!.indexOf('=')
      jar.set(pair!.slice(0, i), pair!.slice(i + 1))
    }
    return res
  }
  async function login(name: string, query: string) {
    const start = await request(`/loop/login/sandbox?${query}`)
    const page = new URL(start.headers.get('location')!)
    const posted = await request(page.pathname, {
      method: 'POST',
      form: {
        name,
        state: page.searchParams.get('state')!,
        redirect_uri: page.searchParams.get('redirect_uri')!,
      },
    })
    const callback = new URL(posted.headers.get('location')!)
    return request(callback.pathname + callback.search)
  }
  async function buy() {
    const res = await request('/loop/checkout', {
      method: 'POST',
      json: { provider: 'stripe', lines: [{ skuId: 'duck', quantity: 1 }] },
    })
    expect(res.status).toBe(201)
    const { order, action } = (await res.json()) as {
      order: { id: string; number: string }
      action: { type: string; url: string }
    }
    expect(action.type).toBe('redirect')
    expect(action.url.startsWith(`${sim.url}/_sim/stripe/checkout/cs_test_`)).toBe(true)
    // The buyer pays on the hosted Checkout page and is sent back to the shop's return URL.
    const paid = await fetch(action.url, { redirect: 'manual' })
    expect(paid.status).toBe(302)
    expect(paid.headers.get('location')).toBe(`${shop.url}/thanks`)
    await sim.idle()
    return order
  }
  return { request, login, buy }
}

describe('the whole loop with Stripe against the simulator, over loopback HTTP', () => {
  it('A logs in → pays on Stripe Checkout → is notified → shares; B opens it, logs in, pays, is attributed to A; one reward', async () => {
    const a = browser()
    expect((await a.login('Alice', 'returnTo=/')).status).toBe(302)
    const alice = ((await (await a.request('/loop/me')).json()) as { customer: { id: string } }).customer.id
    const orderA = await a.buy()
    expect(
      ((await (await a.request(`/loop/orders/${orderA.id}`)).json()) as { order: { status: string } }).order
        .status,
    ).toBe('paid')

    await loop.notify.dispatch()
    expect(messages.sent.map((m) => [m.customerId, m.message.topic])).toEqual([[alice, 'order.paid']])

    const share = (await (
      await a.request('/loop/shares', { method: 'POST', json: { skuId: 'duck', channel: 'link' } })
    ).json()) as {
      token: string
      link: string
    }
    const b = browser()
    expect((await b.request(new URL(share.link).pathname)).status).toBe(302)
    await b.login('Bob', `returnTo=/&share=${share.token}`)
    const orderB = await b.buy()

    expect(await loop.orders.get(orderB.id)).toMatchObject({
      status: 'paid',
      providerRef: expect.stringMatching(/^pi_/),
      attribution: { sharerId: alice },
    })
    expect(await loop.rewards.list({ sharerId: alice })).toEqual([
      expect.objectContaining({ orderId: orderB.id }),
    ])
    expect(rewardsSeen).toEqual([alice])
    // Each payment produced three events (session completed, intent succeeded, charge): all 2xx,
    // and order.paid happened once per order.
    expect(sim.deliveries).toHaveLength(6)
    expect(sim.deliveries.every((d) => d.acked)).toBe(true)
    expect(await loop.analytics.events({ types: ['order.paid'] })).toHaveLength(2)
    expect((await loop.catalog.get('duck'))?.stock).toBe(8)
  })
})
