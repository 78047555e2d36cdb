// Options fail at boot; money crosses into Stripe's units exactly (JPY, three-decimal, ISK);
// Stripe errors become LoopErrors with stable codes and no secrets.
import { isLoopError, type LoopError } from '@loopkit/core'
import { testOrder as contractOrder, type StripeSimulator, stripeSimulator } from '@loopkit/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromStripeAmount, stripePayments, toStripeAmount } from '../src/index.js'
import { buyer } from './harness.js'

let sim: StripeSimulator
beforeAll(async () => {
  sim = await stripeSimulator({ timeScale: 0 })
})
afterAll(async () => sim?.close())

function thrown(run: () => unknown): LoopError {
  try {
    run()
  } catch (e) {
    expect(isLoopError(e)).toBe(true)
    return e as LoopError
  }
  throw new Error('expected a LoopError')
}

async function rejected(p: Promise<unknown>): Promise<LoopError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  )
  expect(isLoopError(e), String(e)).toBe(true)
  return e as LoopError
}

describe('stripePayments options', () => {
  const good = { secretKey: 'sk_test_abc', webhookSecret: 'whsec_abc' }
  it('refuses missing or wrong-kind keys and secrets at construction', () => {
    expect(thrown(() => stripePayments({ ...good, secretKey: '' })).message).toMatch(/secretKey/)
    expect(thrown(() => stripePayments({ ...good, secretKey: 'pk_test_abc' })).code).toBe('configuration')
    expect(thrown(() => stripePayments({ ...good, webhookSecret: 'abc' })).code).toBe('configuration')
    expect(thrown(() => stripePayments({ ...good, webhookSecret: 'whsec_abc\n' })).code).toBe('configuration')
    expect(thrown(() => stripePayments({ ...good, webhookSecret: [] })).code).toBe('configuration')
    expect(thrown(() => stripePayments({ ...good, tolerance: -1 })).code).toBe('configuration')
    expect(thrown(() => stripePayments({ ...good, apiBase: 'not a url' })).code).toBe('configuration')
    expect(stripePayments({ ...good, webhookSecret: ['whsec_new', 'whsec_old'] }).id).toBe('stripe')
  })
})

describe('money in Stripe units', () => {
  it('keeps ISO minor units for two- and zero-decimal currencies', () => {
    expect(toStripeAmount(8800, 'USD')).toBe(8800)
    expect(toStripeAmount(500, 'JPY')).toBe(500)
    expect(fromStripeAmount(500, 'jpy')).toEqual({ amount: 500, currency: 'JPY' })
    expect(fromStripeAmount(8800, 'cny')).toEqual({ amount: 8800, currency: 'CNY' })
  })

  it('takes three-decimal amounts in multiples of 10 and refuses others rather than rounding', () => {
    expect(toStripeAmount(1230, 'KWD')).toBe(1230)
    expect(thrown(() => toStripeAmount(1235, 'KWD')).code).toBe('invalid_input')
    expect(fromStripeAmount(1230, 'bhd')).toEqual({ amount: 1230, currency: 'BHD' })
  })

  it('sends ISK with Stripe’s two legacy decimals and reads it back', () => {
    expect(toStripeAmount(100, 'ISK')).toBe(10_000)
    expect(fromStripeAmount(10_000, 'isk')).toEqual({ amount: 100, currency: 'ISK' })
    expect(thrown(() => fromStripeAmount(10_050, 'isk')).code).toBe('invalid_input')
  })

  it('refuses unknown currencies and non-integer amounts', () => {
    expect(thrown(() => fromStripeAmount(100, 'xyz')).code).toBe('invalid_input')
    expect(thrown(() => fromStripeAmount(1.5, 'usd')).code).toBe('invalid_input')
    expect(thrown(() => fromStripeAmount('100', 'usd')).code).toBe('invalid_input')
  })

  it('a JPY order is a JPY session of the same amount; a KWD amount Stripe cannot take never reaches Stripe', async () => {
    const adapter = stripePayments({ ...sim.adapterOptions(), returnUrl: 'https://shop.example/r' })
    const jpy = contractOrder({
      customer: buyer,
      provider: 'stripe',
      currency: 'JPY',
      total: 500,
      now: sim.now(),
    })
    const { providerRef } = await adapter.createPayment({
      order: jpy,
      customer: buyer,
      notifyUrl: 'https://x',
      description: 'Duck',
    })
    expect(sim.session(providerRef!)).toMatchObject({ amount_total: 500, currency: 'jpy' })
    const before = sim.requests.length
    const kwd = contractOrder({
      customer: buyer,
      provider: 'stripe',
      currency: 'KWD',
      total: 1235,
      now: sim.now(),
    })
    const e = await rejected(
      adapter.createPayment({ order: kwd, customer: buyer, notifyUrl: 'https://x', description: 'Duck' }),
    )
    expect(e.code).toBe('invalid_input')
    expect(sim.requests.length).toBe(before)
  })
})

describe('Stripe errors as LoopErrors', () => {
  const order = () => contractOrder({ customer: buyer, provider: 'stripe', currency: 'USD', now: sim.now() })
  const create = (adapter: ReturnType<typeof stripePayments>) =>
    adapter.createPayment({
      order: order(),
      customer: buyer,
      notifyUrl: 'https://x',
      description: 'Duck',
      returnUrl: 'https://r',
    })

  it('maps 5xx to retryable provider_unavailable, 429 to rate_limited, and a wrong key to configuration without the key', async () => {
    const adapter = stripePayments({ ...sim.adapterOptions(), maxNetworkRetries: 0 })
    sim.failNext({ status: 500, message: 'boom' })
    expect(await rejected(create(adapter))).toMatchObject({ code: 'provider_unavailable', retryable: true })
    sim.failNext({ status: 429, code: 'rate_limit', message: 'slow down' })
    expect(await rejected(create(adapter))).toMatchObject({ code: 'rate_limited', retryable: true })
    const wrongKey = 'sk_test_thisIsNotTheRightKey123456'
    const wrong = await rejected(
      create(stripePayments({ ...sim.adapterOptions(), secretKey: wrongKey, maxNetworkRetries: 0 })),
    )
    expect(wrong.code).toBe('configuration')
    expect(wrong.message).not.toContain(wrongKey)
  })

  it('the SDK retries a 5xx with the same idempotency key, so the session is created once', async () => {
    const adapter = stripePayments({ ...sim.adapterOptions(), maxNetworkRetries: 2 })
    sim.failNext({ status: 503, path: '/v1/checkout/sessions' })
    const { providerRef } = await create(adapter)
    const tries = sim.requests.filter((r) => r.path === '/v1/checkout/sessions').slice(-2)
    expect(tries.map((r) => r.status)).toEqual([503, 200])
    expect(tries[0]!.idempotencyKey).toBe(tries[1]!.idempotencyKey)
    expect(providerRef).toMatch(/^cs_test_/)
  })

  it('refuses an unknown method and a checkout without a return URL before calling Stripe', async () => {
    const adapter = stripePayments(sim.adapterOptions())
    const before = sim.requests.length
    const o = order()
    expect(
      (
        await rejected(
          adapter.createPayment({
            order: o,
            customer: buyer,
            notifyUrl: 'x',
            description: 'd',
            method: 'paypal',
          }),
        )
      ).code,
    ).toBe('invalid_input')
    expect(
      (await rejected(adapter.createPayment({ order: o, customer: buyer, notifyUrl: 'x', description: 'd' })))
        .code,
    ).toBe('invalid_input')
    expect(sim.requests.length).toBe(before)
  })
})
