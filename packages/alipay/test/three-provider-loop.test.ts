// One loop, three real providers over loopback HTTP: WeChat Pay, Alipay and Stripe simulators side
// by side. Their method names overlap (`app` is WeChat's and Alipay's; Stripe's `alipay` and
// `wechat_pay` are Stripe methods, not the wallets' own adapters): the pick must be deterministic,
// independent of the order the adapters are listed in, and an ambiguous method must name a provider.
import { createLoop, type PaymentAdapter } from '@loopkit/core'
import { memoryStorage, sandboxIdentity } from '@loopkit/core/dev'
import { stripePayments } from '@loopkit/stripe'
import {
  type AlipaySimulator,
  alipaySimulator,
  type StripeSimulator,
  startSimulatorServer,
  stripeSimulator,
  type WechatSimulator,
  wechatSimulator,
} from '@loopkit/testing'
import { wechatPayments } from '@loopkit/wechat'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { alipayPayments } from '../src/index.js'

let wechat: WechatSimulator
let alipay: AlipaySimulator
let stripe: StripeSimulator
let shop: Awaited<ReturnType<typeof startSimulatorServer>>
let loops: ReturnType<typeof createLoop>[] = []
let handler: (req: Request) => Promise<Response> = async () => new Response(null, { status: 503 })

async function makeLoop(order: ('wechat' | 'alipay' | 'stripe')[]) {
  const adapters: Record<string, PaymentAdapter> = {
    wechat: wechatPayments(wechat.pay.adapterOptions()),
    alipay: alipayPayments(alipay.adapterOptions()),
    stripe: stripePayments({ ...stripe.adapterOptions(), returnUrl: `${shop.url}/thanks` }),
  }
  const loop = createLoop({
    secret: 'three-provider-secret-0123456789abcdefgh',
    baseUrl: `${shop.url}/loop`,
    storage: memoryStorage(),
    payments: order.map((id) => adapters[id]!),
    identity: [sandboxIdentity()],
  })
  loops.push(loop)
  await loop.catalog.put({
    id: 'duck',
    title: '盐水鸭',
    description: null,
    imageUrl: null,
    price: 8800,
    currency: 'CNY',
    stock: 20,
    active: true,
  })
  const { customer } = await loop.customers.login({ profile: { provider: 'sandbox', subject: 'erin' } })
  const checkout = (input: { method?: string; provider?: string }) =>
    loop.checkout({
      customerId: customer.id,
      lines: [{ skuId: 'duck', quantity: 1 }],
      clientIp: '203.0.113.7',
      ...input,
    })
  return { loop, checkout }
}

beforeAll(async () => {
  wechat = await wechatSimulator({ pay: { allowInsecureNotifyUrl: true } })
  alipay = await alipaySimulator()
  stripe = await stripeSimulator()
  shop = await startSimulatorServer({ handlers: [(req) => handler(req)] })
  stripe.setWebhookUrl(`${shop.url}/loop/webhooks/stripe`)
})
afterAll(async () => {
  for (const loop of loops) await loop.close()
  await shop?.close()
  await Promise.all([stripe?.close(), alipay?.close(), wechat?.close()])
  loops = []
})

// Every unambiguous method and the one provider that serves it.
const picks: [string, string][] = [
  ['native', 'wechat'],
  ['h5', 'wechat'],
  ['wap', 'alipay'],
  ['page', 'alipay'],
  ['qr', 'alipay'],
  ['checkout', 'stripe'],
  ['card', 'stripe'],
  ['alipay', 'stripe'],
  ['wechat_pay', 'stripe'],
]

describe('one loop offering WeChat Pay, Alipay and Stripe', () => {
  it('every method picks the same provider whatever order the adapters are listed in', async () => {
    const { checkout: a } = await makeLoop(['wechat', 'alipay', 'stripe'])
    const { checkout: b } = await makeLoop(['stripe', 'alipay', 'wechat'])
    for (const checkout of [a, b]) {
      const picked: [string, string][] = []
      for (const [method] of picks) picked.push([method, (await checkout({ method })).order.provider])
      expect(picked).toEqual(picks)
    }
    // No method: the first adapter listed, the documented default.
    expect((await (await makeLoop(['stripe', 'wechat', 'alipay'])).checkout({})).order.provider).toBe(
      'stripe',
    )
  })

  it('the method picks the provider and each provider pays its own order', async () => {
    const { loop, checkout } = await makeLoop(['wechat', 'alipay', 'stripe'])
    handler = (req) => loop.fetch(req)

    const native = await checkout({ method: 'native' })
    expect([native.order.provider, native.action.type]).toEqual(['wechat', 'qr'])
    const qr = await checkout({ method: 'qr' })
    expect([qr.order.provider, qr.action.type]).toEqual(['alipay', 'qr'])
    const card = await checkout({ method: 'checkout' })
    expect([card.order.provider, card.action.type]).toEqual(['stripe', 'redirect'])
    const stripeAlipay = await checkout({ method: 'alipay' })
    expect([stripeAlipay.order.provider, stripeAlipay.action.type]).toEqual(['stripe', 'redirect'])

    await wechat.pay.payOrder({ outTradeNo: native.order.number })
    expect((await fetch((qr.action as { codeUrl: string }).codeUrl)).status).toBe(200)
    await stripe.pay({ orderNumber: card.order.number })
    await Promise.all([wechat.idle(), alipay.idle(), stripe.idle()])

    for (const { order } of [native, qr, card]) expect((await loop.orders.get(order.id))?.status).toBe('paid')
    expect((await loop.orders.get(stripeAlipay.order.id))?.status).toBe('pending')
  })

  it('`app` (WeChat and Alipay) needs a provider; a method the named provider lacks is refused; nothing is written', async () => {
    const { loop, checkout } = await makeLoop(['wechat', 'alipay', 'stripe'])
    await expect(checkout({ method: 'app' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/wechat and alipay; name the `provider`/),
    })
    await expect(checkout({ method: 'qr', provider: 'stripe' })).rejects.toMatchObject({
      code: 'invalid_input',
    })
    await expect(checkout({ method: 'card', provider: 'alipay' })).rejects.toMatchObject({
      code: 'invalid_input',
    })
    await expect(checkout({ method: 'bitcoin' })).rejects.toMatchObject({ code: 'invalid_input' })
    expect(await loop.orders.list({ limit: 10 })).toHaveLength(0)
    expect((await loop.catalog.get('duck'))?.stock).toBe(20)

    const app = await checkout({ method: 'app', provider: 'alipay' })
    expect(app.order.provider).toBe('alipay')
  })
})
