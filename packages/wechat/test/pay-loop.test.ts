// The whole loop over HTTP: loop.fetch on loopback, WeChat Pay simulated on loopback, the adapter in
// between with nothing changed but `baseUrl`. Checkout → pay → callback → paid → refund → refunded.
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

beforeAll(async () => {
  sim = await wechatSimulator({ timeScale: 0, pay: { allowInsecureNotifyUrl: true } })
  let handle: (request: Request) => Promise<Response> = async () => new Response(null, { status: 503 })
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const headers = new Headers(Object.entries(req.headers).map(([k, v]): [string, string] => [k, String(v)]))
    const body = Buffer.concat(chunks)
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: req.method ?? 'GET',
      headers,
      ...(body.length ? { body: new Uint8Array(body) } : {}),
    })
    const response = await handle(request)
    res.writeHead(response.status, Object.fromEntries(response.headers))
    res.end(Buffer.from(await response.arrayBuffer()))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  loop = createLoop({
    secret: 'loop-test-secret-loop-test-secret-0123456',
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/loop`,
    storage: memoryStorage(),
    payments: [wechatPayments(sim.pay.adapterOptions())],
    now: sim.now,
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
})
afterAll(async () => {
  await loop?.close()
  await new Promise<void>((r) => server?.close(() => r()))
  await sim?.close()
})

describe('the loop with WeChat Pay (simulated)', () => {
  it('checkout → JSAPI → concurrent duplicate callbacks → paid once → refund → REFUND.SUCCESS', async () => {
    const { customer } = await loop.customers.login({
      profile: { provider: 'wechat', subject: 'oLoopBuyer00000000000000000' },
    })
    const paidEvents: string[] = []
    loop.on('order.paid', (e) => void paidEvents.push(String(e.orderId)))
    const result = await loop.checkout({
      customerId: customer.id,
      lines: [{ skuId: 'duck', quantity: 1 }],
      provider: 'wechat',
      method: 'jsapi',
    })
    expect(result.action).toMatchObject({ type: 'jsapi', params: { appId: sim.pay.appid, signType: 'RSA' } })

    const paid = await sim.pay.payOrder({
      outTradeNo: result.order.number,
      concurrent: 3,
      duplicates: 1,
      probe: true,
    })
    expect(paid.deliveries.map((d) => d.status)).toEqual([401, 204, 204, 204, 204])
    const order = await loop.orders.get(result.order.id)
    expect(order).toMatchObject({ status: 'paid', providerRef: paid.transactionId })
    expect(paidEvents).toEqual([result.order.id])

    const refund = await loop.refunds.create({
      orderId: result.order.id,
      amount: 3000,
      reason: '少了一只鸭腿',
    })
    expect(refund.status).toBe('pending')
    expect(sim.pay.refund(refund.number)).toMatchObject({ status: 'PROCESSING', refund: 3000 })
    await sim.advance(5000)
    expect(await loop.orders.get(result.order.id)).toMatchObject({
      status: 'partially_refunded',
      refunded: 3000,
    })
    expect((await loop.refunds.list({ orderId: result.order.id }))[0]).toMatchObject({ status: 'succeeded' })
  })
})
