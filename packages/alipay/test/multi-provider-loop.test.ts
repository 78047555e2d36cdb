// One loop, two real providers over loopback HTTP: WeChat Pay and Alipay simulators side by side.
// The checkout method picks the provider; each provider's callbacks settle only its own orders.
import { createLoop } from '@loopkit/core'
import { memoryStorage, sandboxIdentity } from '@loopkit/core/dev'
import {
  type AlipaySimulator,
  alipaySimulator,
  startSimulatorServer,
  type WechatSimulator,
  wechatSimulator,
} from '@loopkit/testing'
import { wechatPayments } from '@loopkit/wechat'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browser, sandboxLogin } from '../../core/test/_browser.js'
import { alipayPayments } from '../src/index.js'

let wechat: WechatSimulator
let alipay: AlipaySimulator
let shop: Awaited<ReturnType<typeof startSimulatorServer>>
let loop: ReturnType<typeof createLoop>

beforeAll(async () => {
  wechat = await wechatSimulator({ pay: { allowInsecureNotifyUrl: true } })
  alipay = await alipaySimulator()
  let handler: (req: Request) => Promise<Response> = async () => new Response(null, { status: 503 })
  shop = await startSimulatorServer({ handlers: [(req) => handler(req)] })
  loop = createLoop({
    secret: 'multi-provider-secret-0123456789abcdefgh',
    baseUrl: `${shop.url}/loop`,
    storage: memoryStorage(),
    payments: [wechatPayments(wechat.pay.adapterOptions()), alipayPayments(alipay.adapterOptions())],
    identity: [sandboxIdentity()],
  })
  handler = (req) => loop.fetch(req)
  await loop.catalog.put({
    id: 'duck',
    title: '盐水鸭',
    description: null,
    imageUrl: null,
    price: 8800,
    currency: 'CNY',
    stock: 10,
    active: true,
  })
})
afterAll(async () => {
  await shop?.close()
  await alipay?.close()
  await wechat?.close()
})

describe('one loop offering WeChat Pay and Alipay', () => {
  it('the method picks the provider, each provider pays its own order, and an ambiguous method writes nothing', async () => {
    const b = browser((req) => fetch(req, { redirect: 'manual' }), shop.url)
    await sandboxLogin(b, 'carol')
    const checkout = (json: Record<string, unknown>) =>
      b.request('/loop/checkout', {
        method: 'POST',
        json: { lines: [{ skuId: 'duck', quantity: 1 }], ...json },
      })

    const native = (await (await checkout({ method: 'native' })).json()) as {
      order: { id: string; number: string; provider: string }
      action: { type: string }
    }
    expect(native.order.provider).toBe('wechat')
    expect(native.action.type).toBe('qr')
    await wechat.pay.payOrder({ outTradeNo: native.order.number })
    await wechat.idle()

    const qr = (await (await checkout({ method: 'qr' })).json()) as {
      order: { id: string; number: string; provider: string }
      action: { type: string; codeUrl: string }
    }
    expect(qr.order.provider).toBe('alipay')
    expect((await fetch(qr.action.codeUrl)).status).toBe(200)
    await alipay.idle()

    expect((await loop.orders.get(native.order.id))?.status).toBe('paid')
    expect((await loop.orders.get(qr.order.id))?.status).toBe('paid')

    // `app` is both a WeChat Pay and an Alipay method: refused before an order exists.
    const ambiguous = await checkout({ method: 'app' })
    expect(ambiguous.status).toBe(400)
    expect(((await ambiguous.json()) as { error: { code: string } }).error.code).toBe('invalid_input')
    expect(await loop.orders.list({ limit: 10 })).toHaveLength(2)
    expect((await loop.catalog.get('duck'))?.stock).toBe(8)
  })

  it('a genuine Alipay notification for a WeChat order is recorded as suspicious and changes nothing', async () => {
    const b = browser((req) => fetch(req, { redirect: 'manual' }), shop.url)
    await sandboxLogin(b, 'dave')
    const res = await b.request('/loop/checkout', {
      method: 'POST',
      json: { method: 'native', lines: [{ skuId: 'duck', quantity: 1 }] },
    })
    const { order } = (await res.json()) as { order: { id: string; number: string; total: number } }
    // The same order number presented to Alipay too (as a second channel would), and paid there.
    const direct = alipayPayments(alipay.adapterOptions())
    await direct.createPayment({
      order: (await loop.orders.get(order.id))!,
      customer: (await loop.storage.getCustomer({ id: (await loop.orders.get(order.id))!.customerId }))!,
      method: 'qr',
      notifyUrl: `${shop.url}/loop/webhooks/alipay`,
      description: '盐水鸭',
    })
    await alipay.pay({ outTradeNo: order.number })
    await alipay.idle()
    expect(alipay.deliveries.at(-1)).toMatchObject({ outTradeNo: order.number, acked: false })
    expect((await loop.orders.get(order.id))?.status).toBe('pending')
    const suspicious = await loop.analytics.events({ types: ['payment.suspicious'] })
    expect(suspicious.at(-1)?.data).toMatchObject({ reason: 'wrong_provider', expected: 'wechat' })
  })
})
