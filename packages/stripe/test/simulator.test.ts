// The Stripe simulator speaks the REST API the way the official SDK expects: keys checked,
// Idempotency-Key semantics, Stripe's error envelope and id prefixes, and signed deliveries.
import { createHmac } from 'node:crypto'
import { parseStripeForm, type StripeSimulator, stripeSimulator } from '@loopkit/testing'
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ackingEndpoint } from './harness.js'

let sim: StripeSimulator
let endpoint: Awaited<ReturnType<typeof ackingEndpoint>>
let stripe: Stripe

const sdk = (key: string) =>
  new Stripe(key, {
    httpClient: Stripe.createFetchHttpClient(),
    host: '127.0.0.1',
    port: Number(new URL(sim.url).port),
    protocol: 'http',
    maxNetworkRetries: 0,
  })

beforeAll(async () => {
  endpoint = await ackingEndpoint()
  sim = await stripeSimulator({ timeScale: 0, webhookUrl: endpoint.url })
  stripe = sdk(sim.secretKey)
})
afterAll(async () => {
  await sim?.close()
  await endpoint?.close()
})

const session = (amount: number, extra: Partial<Stripe.Checkout.SessionCreateParams> = {}) => ({
  mode: 'payment' as const,
  line_items: [
    { quantity: 1, price_data: { currency: 'usd', unit_amount: amount, product_data: { name: 'Duck' } } },
  ],
  success_url: 'https://shop.example/thanks',
  client_reference_id: `ORDER${amount}`,
  ...extra,
})

describe('Stripe simulator: REST through the official SDK', () => {
  it('refuses a missing or wrong key with 401 and the error envelope', async () => {
    const wrong = await sdk('sk_test_wrong')
      .paymentIntents.retrieve('pi_x')
      .catch((e: unknown) => e)
    expect(wrong).toBeInstanceOf(Stripe.errors.StripeAuthenticationError)
    const raw = await fetch(`${sim.url}/v1/payment_intents/pi_x`)
    expect(raw.status).toBe(401)
    expect(await raw.json()).toEqual({
      error: { type: 'invalid_request_error', message: 'You did not provide an API key.' },
    })
  })

  it('answers objects with Stripe id prefixes and a 404 resource_missing for unknown ids', async () => {
    const cs = await stripe.checkout.sessions.create(session(1200))
    expect(cs).toMatchObject({
      object: 'checkout.session',
      id: expect.stringMatching(/^cs_test_/),
      amount_total: 1200,
      status: 'open',
    })
    const pi = await stripe.paymentIntents.create({
      amount: 500,
      currency: 'usd',
      allowed_payment_method_types: ['card'],
    })
    expect(pi.id).toMatch(/^pi_/)
    const missing = await stripe.paymentIntents.retrieve('pi_nope').catch((e: unknown) => e)
    expect(missing).toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'resource_missing',
      statusCode: 404,
    })
    const { paymentIntentId, events } = await sim.pay({ paymentIntentId: pi.id })
    const charge = (await stripe.paymentIntents.retrieve(paymentIntentId, { expand: ['latest_charge'] }))
      .latest_charge as Stripe.Charge
    expect(charge.id).toMatch(/^ch_/)
    expect(events.every((e) => e.id.startsWith('evt_'))).toBe(true)
    const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 100 })
    expect(refund).toMatchObject({ id: expect.stringMatching(/^re_/), status: 'succeeded', amount: 100 })
  })

  it('replays the same answer for the same Idempotency-Key and params, and refuses other params with idempotency_error', async () => {
    const first = await stripe.checkout.sessions.create(session(2000), { idempotencyKey: 'key-1' })
    const again = await stripe.checkout.sessions.create(session(2000), { idempotencyKey: 'key-1' })
    expect(again.id).toBe(first.id)
    expect(sim.requests.at(-1)).toMatchObject({ idempotencyKey: 'key-1', replayed: true })
    const changed = await stripe.checkout.sessions
      .create(session(2001), { idempotencyKey: 'key-1' })
      .catch((e: unknown) => e)
    expect(changed).toBeInstanceOf(Stripe.errors.StripeIdempotencyError)
    expect(changed).toMatchObject({ statusCode: 400, rawType: 'idempotency_error' })
    // Same key on another endpoint is another request, too.
    const other = await stripe.paymentIntents
      .create({ amount: 2000, currency: 'usd' }, { idempotencyKey: 'key-1' })
      .catch((e: unknown) => e)
    expect(other).toBeInstanceOf(Stripe.errors.StripeIdempotencyError)
    // An error is replayed like a success.
    const bad1 = await fetch(`${sim.url}/v1/payment_intents`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${sim.secretKey}`,
        'idempotency-key': 'key-2',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'currency=usd',
    })
    expect(bad1.status).toBe(400)
    expect(((await bad1.json()) as { error: { code: string; param: string } }).error).toMatchObject({
      code: 'parameter_missing',
      param: 'amount',
    })
    const bad2 = await fetch(`${sim.url}/v1/payment_intents`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${sim.secretKey}`,
        'idempotency-key': 'key-2',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'currency=usd',
    })
    expect(bad2.headers.get('idempotent-replayed')).toBe('true')
  })

  it('refuses refunds past the charge and Checkout expiries outside 30 min – 24 h', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' })
    await sim.pay({ paymentIntentId: pi.id })
    await stripe.refunds.create({ payment_intent: pi.id, amount: 600 })
    const over = await stripe.refunds.create({ payment_intent: pi.id, amount: 401 }).catch((e: unknown) => e)
    expect(over).toMatchObject({ statusCode: 400, code: 'amount_too_large' })
    await stripe.refunds.create({ payment_intent: pi.id })
    const again = await stripe.refunds.create({ payment_intent: pi.id, amount: 1 }).catch((e: unknown) => e)
    expect(again).toMatchObject({ code: 'charge_already_refunded' })
    const soon = Math.floor(sim.now() / 1000) + 600
    const early = await stripe.checkout.sessions
      .create(session(300, { expires_at: soon }))
      .catch((e: unknown) => e)
    expect(early).toMatchObject({ statusCode: 400, param: 'expires_at' })
  })

  it('decodes bracketed form keys as the SDK writes them', () => {
    expect(
      parseStripeForm(
        'line_items[0][price_data][unit_amount]=5&line_items[0][quantity]=1&expand[]=a&expand[]=b&metadata[k]=v%20w',
      ),
    ).toEqual({
      line_items: [{ price_data: { unit_amount: '5' }, quantity: '1' }],
      expand: ['a', 'b'],
      metadata: { k: 'v w' },
    })
  })
})

describe('Stripe simulator: webhook delivery', () => {
  it('signs each delivery as §6.2 says and wraps objects in the event envelope', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 700,
      currency: 'usd',
      metadata: { loopkit_order: 'ENV1' },
    })
    const { deliveries } = await sim.pay({ paymentIntentId: pi.id })
    const d = deliveries.find((x) => x.type === 'payment_intent.succeeded')!
    const header = d.headers['Stripe-Signature']!
    const t = Number(/^t=(\d+),/.exec(header)![1])
    const v1 = [...header.matchAll(/v1=([0-9a-f]{64})/g)].map((m) => m[1])
    const expected = createHmac('sha256', sim.webhookSecret)
      .update(`${t}.${new TextDecoder().decode(d.body)}`)
      .digest('hex')
    expect(v1).toEqual([expected])
    expect(header).toMatch(/,v0=[0-9a-f]{64}$/)
    const event = stripe.webhooks.constructEvent(
      Buffer.from(d.body),
      header,
      sim.webhookSecret,
      300,
      undefined,
      sim.now(),
    )
    expect(event).toMatchObject({
      object: 'event',
      type: 'payment_intent.succeeded',
      livemode: false,
      data: { object: { id: pi.id, status: 'succeeded' } },
    })
    expect(event.api_version).toMatch(/^\d{4}-\d{2}-\d{2}/)
    expect(typeof event.created).toBe('number')
  })

  it('signs with both secrets while one rolls, then with the new one only', async () => {
    const old = sim.webhookSecret
    const fresh = sim.rotateWebhookSecret({ expireOldAfterMs: 1000 })
    expect(sim.webhookSecrets()).toEqual([fresh, old])
    const both = sim.signWebhook({ body: '{}' }).headers.get('stripe-signature')!
    expect(both.match(/v1=/g)).toHaveLength(2)
    await sim.advance(1001)
    expect(sim.webhookSecrets()).toEqual([fresh])
  })
})
