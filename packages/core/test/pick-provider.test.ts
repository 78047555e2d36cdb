import { isLoopError, type PaymentAdapter } from '@loopkit/core'
import { sandboxPayments } from '@loopkit/core/dev'
import { describe, expect, it } from 'vitest'
import { duck, testLoop } from './_setup.js'

// Real sandbox adapters under other ids, each declaring the methods it serves, stand in for
// WeChat Pay (jsapi, app), Alipay (wap, qr, app) and a card provider. The sandbox's own method check
// (it pays only on its page) is left out: these stand-ins test the pick, not the sandbox.
function provider(id: string, methods?: string[]): PaymentAdapter {
  const { validatePayment: _sandboxOnly, ...sandbox } = sandboxPayments()
  return {
    ...sandbox,
    id,
    ...(methods ? { methods } : {}),
    createPayment: ({ method: _pickedAlready, ...input }) => sandbox.createPayment(input),
  }
}

async function setup(payments: PaymentAdapter[]) {
  const t = testLoop({ payments })
  await t.loop.catalog.put({ ...duck, stock: 5 })
  const c = await t.customer('mia')
  const checkout = (extra: { provider?: string; method?: string }) =>
    t.loop.checkout({ customerId: c.id, lines: [{ skuId: 'duck', quantity: 1 }], ...extra })
  return { ...t, checkout }
}

async function refusal(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise
    return null
  } catch (e) {
    return isLoopError(e) ? `${e.code}: ${e.message}` : String(e)
  }
}

const three = () => [
  provider('wechat', ['jsapi', 'app']),
  provider('alipay', ['wap', 'qr', 'app']),
  provider('cards', ['card']),
]

describe('one loop, several payment providers', () => {
  it('a checkout method picks the provider that serves it', async () => {
    const { checkout } = await setup(three())
    expect((await checkout({ method: 'qr' })).order.provider).toBe('alipay')
    expect((await checkout({ method: 'jsapi' })).order.provider).toBe('wechat')
    expect((await checkout({ method: 'card' })).order.provider).toBe('cards')
  })

  it('an explicit provider wins over the method lookup', async () => {
    const { checkout } = await setup(three())
    expect((await checkout({ provider: 'wechat', method: 'app' })).order.provider).toBe('wechat')
    expect((await checkout({ provider: 'alipay', method: 'app' })).order.provider).toBe('alipay')
  })

  it('without a method or provider the first adapter is the default', async () => {
    const { checkout } = await setup(three())
    expect((await checkout({})).order.provider).toBe('wechat')
  })

  it.each([
    ['a method two providers serve', { method: 'app' }, /served by wechat and alipay; name the `provider`/],
    ['a method no provider serves', { method: 'paypal' }, /No payment provider serves method `paypal`/],
    ['a provider that does not serve the method', { provider: 'cards', method: 'qr' }, /has no method `qr`/],
    ['an unknown provider', { provider: 'stripe' }, /No payment provider `stripe`/],
  ])('refuses %s with invalid_input before anything is written', async (_, extra, message) => {
    const { checkout, loop } = await setup(three())
    const error = await refusal(checkout(extra))
    expect(error).toMatch(/^invalid_input: /)
    expect(error).toMatch(message)
    expect(await loop.orders.list({ limit: 10 })).toEqual([])
    expect((await loop.catalog.get('duck'))?.stock).toBe(5)
    expect(await loop.analytics.events({ types: ['order.created'] })).toEqual([])
  })

  it('a lone adapter that declares no methods takes any method, as before', async () => {
    const { checkout } = await setup([provider('sandbox')])
    expect((await checkout({ method: 'whatever' })).order.provider).toBe('sandbox')
  })

  it('the webhook of the picked provider settles the order', async () => {
    const alipay = provider('alipay', ['qr'])
    const { checkout, loop } = await setup([provider('wechat', ['jsapi']), alipay])
    const { order } = await checkout({ method: 'qr' })
    const webhook = await (alipay as ReturnType<typeof sandboxPayments>).pay({ orderNumber: order.number })
    expect(new URL(webhook.url).pathname).toBe('/loop/webhooks/alipay')
    expect((await loop.fetch(webhook)).status).toBe(204)
    expect((await loop.orders.get(order.id))?.status).toBe('paid')
  })
})
