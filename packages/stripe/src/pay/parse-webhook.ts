import type { WebhookEvent } from '@loopkit/core'
import { printable, stripeError } from '../_internal/errors.js'
import { verifyStripeSignature } from '../webhook/signature.js'
import { fromStripeAmount } from './amount.js'
import { ORDER_KEY, REFUND_KEY, type ResolvedOptions } from './options.js'

/** Stripe's event envelope, as far as Loopkit reads it. */
export interface StripeEventEnvelope {
  id: string
  object: 'event'
  type: string
  created: number
  livemode: boolean
  api_version?: string | null
  data: { object: Record<string, any> }
}

function invalid(message: string): never {
  throw stripeError('invalid_input', message)
}

function parseEnvelope(body: Uint8Array): StripeEventEnvelope {
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body))
  } catch {
    invalid('Stripe webhook body is not UTF-8 JSON.')
  }
  const e = json as Partial<StripeEventEnvelope> | null
  if (
    typeof e?.id !== 'string' ||
    !e.id.startsWith('evt_') ||
    e.object !== 'event' ||
    typeof e.type !== 'string' ||
    typeof e.created !== 'number' ||
    typeof e.livemode !== 'boolean' ||
    typeof e.data?.object !== 'object' ||
    e.data.object === null
  ) {
    invalid('Stripe webhook is not an event envelope (`id`, `type`, `created`, `livemode`, `data.object`).')
  }
  return e as StripeEventEnvelope
}

function orderNumberOf(object: Record<string, any>, eventId: string): string | null {
  const fromMeta = object.metadata?.[ORDER_KEY]
  const fromRef = object.client_reference_id
  if (typeof fromMeta === 'string' && typeof fromRef === 'string' && fromMeta !== fromRef)
    invalid(`Event ${printable(eventId)} names two different orders.`)
  const n = typeof fromMeta === 'string' ? fromMeta : fromRef
  return typeof n === 'string' && n ? n : null
}

function ignored(e: StripeEventEnvelope, why: string): WebhookEvent {
  return { kind: 'ignored', eventId: e.id, reason: `Stripe ${printable(e.type)}: ${why}` }
}

function paymentSucceeded(
  e: StripeEventEnvelope,
  pi: string,
  amount: unknown,
  currency: unknown,
): WebhookEvent {
  const object = e.data.object
  const orderNumber = orderNumberOf(object, e.id)
  // Another product on the same Stripe account: acknowledged, so Stripe stops resending it.
  if (!orderNumber) return ignored(e, 'a payment Loopkit did not create (no order number)')
  if (typeof pi !== 'string' || !pi.startsWith('pi_'))
    invalid(`Event ${printable(e.id)} has no PaymentIntent id.`)
  return {
    kind: 'payment.succeeded',
    eventId: e.id,
    orderNumber,
    providerRef: pi,
    ...fromStripeAmount(amount, currency),
    paidAt: e.created * 1000,
  }
}

function refundEvent(e: StripeEventEnvelope, refund: Record<string, any>): WebhookEvent {
  const number = refund.metadata?.[REFUND_KEY]
  if (typeof number !== 'string' || !number) return ignored(e, 'a refund Loopkit did not create')
  const status = refund.status
  if (status !== 'succeeded' && status !== 'failed' && status !== 'canceled')
    return ignored(e, `refund ${printable(String(status))}, not final yet`)
  if (typeof refund.id !== 'string' || !refund.id.startsWith('re_'))
    invalid(`Event ${printable(e.id)} has no refund id.`)
  return {
    kind: status === 'succeeded' ? 'refund.succeeded' : 'refund.failed',
    eventId: e.id,
    orderNumber: typeof refund.metadata?.[ORDER_KEY] === 'string' ? refund.metadata[ORDER_KEY] : '',
    refundNumber: number,
    providerRef: refund.id,
    ...fromStripeAmount(refund.amount, refund.currency),
  }
}

function normalize(e: StripeEventEnvelope): WebhookEvent {
  const o = e.data.object
  switch (e.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
      if (o.object !== 'checkout.session')
        invalid(`Event ${printable(e.id)} does not carry a Checkout Session.`)
      if (o.mode !== undefined && o.mode !== 'payment') return ignored(e, `mode ${printable(String(o.mode))}`)
      // Delayed methods complete the session unpaid; the money is confirmed by a later event.
      if (o.payment_status !== 'paid')
        return ignored(e, `payment_status ${printable(String(o.payment_status))}`)
      return paymentSucceeded(e, o.payment_intent, o.amount_total, o.currency)
    case 'payment_intent.succeeded':
      if (o.object !== 'payment_intent' || o.status !== 'succeeded')
        invalid(`Event ${printable(e.id)} does not carry a succeeded PaymentIntent.`)
      return paymentSucceeded(e, o.id, o.amount_received, o.currency)
    case 'payment_intent.payment_failed':
      // The buyer may try again on the same PaymentIntent; the order stays pending until it expires.
      return ignored(e, 'payment attempt failed; the order stays pending')
    case 'refund.created':
    case 'refund.updated':
    case 'refund.failed':
      if (o.object !== 'refund') invalid(`Event ${printable(e.id)} does not carry a refund.`)
      return refundEvent(e, o)
    case 'charge.refunded': {
      if (o.object !== 'charge') invalid(`Event ${printable(e.id)} does not carry a charge.`)
      // API versions since 2022-11-15 leave `refunds` off the charge; the refund itself then arrives
      // as `refund.created` / `refund.updated`. When present, the newest refund is the one that fired.
      const newest = Array.isArray(o.refunds?.data) ? o.refunds.data[0] : undefined
      return newest
        ? refundEvent(e, newest)
        : ignored(e, 'no refund list on the charge; refund.* events settle it')
    }
    default:
      return ignored(e, 'not an event Loopkit handles')
  }
}

/**
 * Verifies a Stripe webhook on its raw bytes (any configured secret, any `v1`, the tolerance
 * window), refuses events from the other mode (test vs live), and normalizes the payment and refund
 * events; everything else is acknowledged as `ignored`. The loop dedupes by `event.id` and compares
 * the amount with the order.
 */
export function parseStripeWebhook(
  options: ResolvedOptions,
  input: { body: Uint8Array; headers: Headers },
): WebhookEvent {
  if (!(input.body instanceof Uint8Array)) {
    throw stripeError(
      'invalid_input',
      'parseWebhook needs the raw body bytes (Uint8Array); a re-serialized object cannot be verified.',
    )
  }
  verifyStripeSignature({
    body: input.body,
    header: input.headers.get('stripe-signature'),
    secrets: options.webhookSecrets,
    now: options.now(),
    tolerance: options.tolerance,
  })
  const e = parseEnvelope(input.body)
  if (e.livemode !== options.livemode) {
    throw stripeError(
      'forbidden',
      `Event ${printable(e.id)} is ${e.livemode ? 'live' : 'test'} mode but the key is ${options.livemode ? 'live' : 'test'} mode.`,
    )
  }
  return normalize(e)
}
