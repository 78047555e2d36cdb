// Issue #9 (payments half) over HTTP: loop.fetch on loopback, WeChat Pay simulated on loopback.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createLoop } from '@loopkit/core'
import { memoryStorage } from '@loopkit/core/dev'
import { type WechatSimulator, wechatSimulator } from '@loopkit/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { wechatPayments } from '../src/index.js'

let sim: WechatSimulator
let loop: ReturnType<typeof createLoop>
let server: Server
let origin: string
let buyer: string
/** While true, the shop's endpoint answers 503 to everything (WeChat's notices do not get through). */
let dropWebhooks = false
const errors: unknown[] = []

beforeAll(async () => {
  sim = await wechatSimulator({ timeScale: 0, pay: { allowInsecureNotifyUrl: true } })
  let handle: (request: Request) => Promise<Response> = async () => new Response(null, { status: 503 })
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const headers = new Headers(Object.entries(req.headers).map(([k, v]): [string, string] => [k, String(v)]))
    const body = Buffer.concat(chunks)
    const request = new Request(`${origin}${req.url}`, {
      method: req.method ?? 'GET',
      headers,
      ...(body.length ? { body: new Uint8Array(body) } : {}),
    })
    const response = dropWebhooks ? new Response(null, { status: 503 }) : await handle(request)
    res.writeHead(response.status, Object.fromEntries(response.headers))
    res.end(Buffer.from(await response.arrayBuffer()))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  loop = createLoop({
    secret: 'loop-test-secret-loop-test-secret-0123456',
    baseUrl: `${origin}/loop`,
    storage: memoryStorage(),
    payments: [wechatPayments(sim.pay.adapterOptions())],
    now: sim.now,
    // The test stands in for the host app's login: the customer is named by a header.
    session: { resolve: (request) => request.headers.get('x-test-customer') },
    // The client's address comes from the one proxy in front (X-Forwarded-For is trusted only so).
    trustProxy: 1,
    onError: (e) => void errors.push(e),
  })
  handle = loop.fetch
  await loop.catalog.put({
    id: 'duck',
    title: '南京盐水鸭',
    description: null,
    imageUrl: null,
    price: 8800,
    currency: 'CNY',
    stock: 5,
    active: true,
  })
  buyer = (
    await loop.customers.login({ profile: { provider: 'wechat', subject: 'oHardeningBuyer000000000000' } })
  ).customer.id
})
afterAll(async () => {
  await loop?.close()
  await new Promise<void>((r) => server?.close(() => r()))
  await sim?.close()
})

const postCheckout = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  fetch(`${origin}/loop/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin, 'x-test-customer': buyer, ...headers },
    body: JSON.stringify({ lines: [{ skuId: 'duck', quantity: 1 }], provider: 'wechat', ...body }),
  })
const stock = async () => (await loop.catalog.get('duck'))?.stock
const prepays = () => sim.pay.requests.filter((r) => r.url.includes('/v3/pay/transactions/')).length

describe('WeChat Pay hardening (#9.4, #9.9, #9.10)', () => {
  it('#9.4 POST /checkout with an unknown method answers 400 invalid_input and writes nothing', async () => {
    const before = { stock: await stock(), prepays: prepays() }
    const res = await postCheckout({ method: 'alipay-please' })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_input')
    expect(await loop.orders.list({ customerId: buyer })).toEqual([])
    expect({ stock: await stock(), prepays: prepays() }).toEqual(before)
  })

  it('#9.4 POST /checkout with method h5 and no client IP answers 400 and writes nothing', async () => {
    const before = await stock()
    const res = await postCheckout({ method: 'h5' })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_input')
    expect(await loop.orders.list({ customerId: buyer })).toEqual([])
    expect(await stock()).toBe(before)
    // With the client's address (from the proxy), the same request goes through.
    const ok = await postCheckout({ method: 'h5' }, { 'x-forwarded-for': '203.0.113.9' })
    expect(ok.status).toBe(201)
    const { order } = (await ok.json()) as { order: { id: string } }
    await loop.orders.cancel({ orderId: order.id })
  })

  it('#9.4 WeChat Pay refusing the prepay cancels the order and frees its stock at once', async () => {
    const before = await stock()
    sim.pay.failNext({ status: 429, code: 'FREQUENCY_LIMITED', path: '/v3/pay/transactions/' })
    const res = await postCheckout({ method: 'jsapi' })
    expect(res.status).toBe(429)
    expect(await stock()).toBe(before)
    const [order] = await loop.orders.list({ customerId: buyer, status: 'cancelled', limit: 1 })
    const events = await loop.analytics.events({ types: ['order.cancelled'], orderId: order!.id })
    expect(events[0]?.data).toMatchObject({ reason: 'payment_failed' })
  })

  it('#9.9 a late payment keeps its refund through a failed refund call; REFUND.SUCCESS then finds it', async () => {
    const res = await postCheckout({ method: 'jsapi' })
    const { order } = (await res.json()) as { order: { id: string; number: string; total: number } }
    // The loop gave up on the order (expired, stock released) but WeChat still took the money.
    await loop.storage.transitionOrder({
      id: order.id,
      from: ['pending'],
      to: 'expired',
      releaseStock: true,
      now: sim.now(),
    })
    sim.pay.failNext({ status: 429, code: 'FREQUENCY_LIMITED', path: '/v3/refund/domestic/refunds' })
    const paid = await sim.pay.payOrder({ outTradeNo: order.number })
    expect(paid.deliveries.map((d) => d.status)).toEqual([204])
    const [refund] = await loop.refunds.list({ orderId: order.id })
    expect(refund).toMatchObject({ status: 'pending', amount: order.total })
    expect(sim.pay.refund(refund!.number)).toBeNull() // the refund call never reached WeChat
    const payments = await loop.storage.listPayments({ orderId: order.id })
    expect(payments).toEqual([
      expect.objectContaining({ status: 'succeeded', providerRef: paid.transactionId }),
    ])

    // #9.10: the reconciliation pass queries it (404), sends it again under the same out_refund_no.
    await sim.advance(61_000)
    expect(await loop.refunds.reconcile()).toMatchObject({ checked: 1, pending: 1, errors: 0 })
    expect(sim.pay.refund(refund!.number)).toMatchObject({ status: 'PROCESSING', refund: order.total })

    // WeChat settles it and notifies: the notice finds the refund (no more unknown_refund → 500).
    const notified = sim.pay.deliveries.length
    await sim.advance(5000)
    const notices = sim.pay.deliveries.slice(notified).filter((d) => d.eventType === 'REFUND.SUCCESS')
    expect(notices.map((d) => d.status)).toEqual([204])
    expect((await loop.refunds.list({ orderId: order.id }))[0]).toMatchObject({ status: 'succeeded' })
    expect(await loop.orders.get(order.id)).toMatchObject({ status: 'expired', refunded: 0 })
  })

  it('#9.10 the WeChat refund query settles a refund whose notice never came', async () => {
    const res = await postCheckout({ method: 'jsapi' })
    const { order } = (await res.json()) as { order: { id: string; number: string } }
    await sim.pay.payOrder({ outTradeNo: order.number })
    const refund = await loop.refunds.create({ orderId: order.id, amount: 800 })
    expect(refund.status).toBe('pending')
    // WeChat settles the refund, but its notices do not get through to the shop.
    dropWebhooks = true
    try {
      await sim.pay.settleRefund({ outRefundNo: refund.number, status: 'SUCCESS' })
      await sim.advance(61_000)
      expect((await loop.refunds.list({ orderId: order.id }))[0]).toMatchObject({ status: 'pending' })
      expect(await loop.refunds.reconcile()).toMatchObject({ checked: 1, succeeded: 1, errors: 0 })
    } finally {
      dropWebhooks = false
    }
    expect(sim.pay.requests.at(-1)).toMatchObject({ method: 'GET', status: 200 })
    expect(sim.pay.requests.at(-1)!.url).toContain(`/v3/refund/domestic/refunds/${refund.number}`)
    expect(await loop.orders.get(order.id)).toMatchObject({ status: 'partially_refunded', refunded: 800 })
  })
})
