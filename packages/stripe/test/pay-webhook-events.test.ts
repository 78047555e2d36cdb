// How each Stripe event type normalizes (signed here with the endpoint secret, parsed by the adapter).
import { createHmac } from 'node:crypto'
import { isLoopError, type WebhookEvent } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { stripePayments } from '../src/index.js'

const secret = 'whsec_events_test_secret'
const now = 1_750_000_000_000
const adapter = stripePayments({ secretKey: 'sk_test_events', webhookSecret: secret, now: () => now })

function signed(body: Uint8Array) {
  const t = Math.floor(now / 1000)
  const v1 = createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex')
  return {
    body,
    headers: new Headers({ 'stripe-signature': `t=${t},v1=${v1}` }),
    url: 'https://shop/loop/webhooks/stripe',
  }
}
const event = (type: string, object: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  signed(
    new TextEncoder().encode(
      JSON.stringify({
        id: 'evt_1',
        object: 'event',
        type,
        created: 1_749_999_000,
        livemode: false,
        data: { object },
        ...extra,
      }),
    ),
  )
const parse = (w: ReturnType<typeof signed>) => adapter.parseWebhook(w)
const code = (p: Promise<WebhookEvent>) =>
  p.then(
    () => null,
    (e: unknown) => (isLoopError(e) ? e.code : String(e)),
  )

const refund = {
  id: 're_1',
  object: 'refund',
  amount: 300,
  currency: 'usd',
  metadata: { loopkit_refund: 'R1', loopkit_order: 'O1' },
}

describe('Stripe events → Loopkit webhook events', () => {
  it('checkout.session.completed (paid) is payment.succeeded with the PaymentIntent as providerRef', async () => {
    const w = event('checkout.session.completed', {
      object: 'checkout.session',
      mode: 'payment',
      payment_status: 'paid',
      payment_intent: 'pi_1',
      amount_total: 1999,
      currency: 'usd',
      client_reference_id: 'O1',
      metadata: { loopkit_order: 'O1' },
    })
    expect(await parse(w)).toEqual({
      kind: 'payment.succeeded',
      eventId: 'evt_1',
      orderNumber: 'O1',
      providerRef: 'pi_1',
      amount: 1999,
      currency: 'USD',
      paidAt: 1_749_999_000_000,
    })
  })

  it('an unpaid completed session (delayed method) is ignored; two different order numbers are invalid', async () => {
    const base = {
      object: 'checkout.session',
      payment_intent: 'pi_1',
      amount_total: 1,
      currency: 'usd',
      client_reference_id: 'O1',
    }
    expect(
      await parse(event('checkout.session.completed', { ...base, payment_status: 'unpaid' })),
    ).toMatchObject({ kind: 'ignored' })
    expect(
      await code(
        parse(
          event('checkout.session.completed', {
            ...base,
            payment_status: 'paid',
            metadata: { loopkit_order: 'O2' },
          }),
        ),
      ),
    ).toBe('invalid_input')
  })

  it('refund.updated / refund.failed / charge.refunded with a refund list settle the refund; pending ones are ignored', async () => {
    expect(await parse(event('refund.updated', { ...refund, status: 'succeeded' }))).toEqual({
      kind: 'refund.succeeded',
      eventId: 'evt_1',
      orderNumber: 'O1',
      refundNumber: 'R1',
      providerRef: 're_1',
      amount: 300,
      currency: 'USD',
    })
    expect(await parse(event('refund.failed', { ...refund, status: 'failed' }))).toMatchObject({
      kind: 'refund.failed',
      refundNumber: 'R1',
    })
    expect(await parse(event('refund.updated', { ...refund, status: 'pending' }))).toMatchObject({
      kind: 'ignored',
    })
    const charge = {
      id: 'ch_1',
      object: 'charge',
      amount_refunded: 300,
      refunds: { object: 'list', data: [{ ...refund, status: 'succeeded' }] },
    }
    expect(await parse(event('charge.refunded', charge))).toMatchObject({
      kind: 'refund.succeeded',
      refundNumber: 'R1',
    })
    expect(await parse(event('charge.refunded', { ...charge, refunds: undefined }))).toMatchObject({
      kind: 'ignored',
    })
  })

  it('payment_intent.payment_failed and unknown types are acknowledged as ignored', async () => {
    expect(
      await parse(event('payment_intent.payment_failed', { object: 'payment_intent', id: 'pi_1' })),
    ).toMatchObject({ kind: 'ignored', eventId: 'evt_1' })
    expect(await parse(event('invoice.paid', { object: 'invoice' }))).toMatchObject({ kind: 'ignored' })
  })

  it('refuses signed bodies that are not UTF-8 JSON events and objects that do not match the type; ignores foreign payments', async () => {
    expect(await code(parse(signed(new Uint8Array([0x7b, 0xff, 0x7d]))))).toBe('invalid_input')
    expect(await code(parse(signed(new TextEncoder().encode('{"id":"x","object":"event"}'))))).toBe(
      'invalid_input',
    )
    expect(await code(parse(event('payment_intent.succeeded', { object: 'charge', id: 'ch_1' })))).toBe(
      'invalid_input',
    )
    // A payment of another product on the same account is not refused (Stripe would resend it for
    // days): it is acknowledged and ignored.
    expect(
      await parse(
        event('payment_intent.succeeded', {
          object: 'payment_intent',
          id: 'pi_1',
          status: 'succeeded',
          amount_received: 5,
          currency: 'usd',
          metadata: {},
        }),
      ),
    ).toMatchObject({ kind: 'ignored' })
  })
})
