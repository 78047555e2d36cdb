import { randomBytes } from 'node:crypto'

/** A Stripe object as the simulator stores and returns it (the JSON shape of the real API). */
export type StripeObject = Record<string, any>

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** A Stripe-style id: the object's prefix and 24 base62 characters (`pi_3Qx…`, `cs_test_a1…`). */
export function stripeId(prefix: string): string {
  const bytes = randomBytes(24)
  return `${prefix}_${Array.from(bytes, (b) => BASE62[b % 62]).join('')}`
}

/** The simulator's pinned API version, sent in every event envelope. */
export const SIMULATED_API_VERSION = '2026-10-28.endive'

/**
 * Stripe's event envelope around a snapshot of `object` (copied: later changes to the object do not
 * show in an event already made, as at Stripe).
 */
export function eventEnvelope(type: string, object: StripeObject, nowMs: number): StripeObject {
  return {
    id: stripeId('evt'),
    object: 'event',
    api_version: SIMULATED_API_VERSION,
    created: Math.floor(nowMs / 1000),
    data: { object: structuredClone(object) },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  }
}

export function newPaymentIntent(input: {
  amount: number
  currency: string
  methods: string[]
  metadata: Record<string, string>
  description: string | null
  nowMs: number
}): StripeObject {
  const id = stripeId('pi')
  return {
    id,
    object: 'payment_intent',
    amount: input.amount,
    amount_capturable: 0,
    amount_received: 0,
    allowed_payment_method_types: input.methods,
    payment_method_types: input.methods,
    client_secret: `${id}_secret_${randomBytes(12).toString('hex')}`,
    created: Math.floor(input.nowMs / 1000),
    currency: input.currency,
    description: input.description,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: input.metadata,
    next_action: null,
    payment_method: null,
    status: 'requires_payment_method',
  }
}

export function newCharge(pi: StripeObject, method: string, nowMs: number): StripeObject {
  return {
    id: stripeId('ch'),
    object: 'charge',
    amount: pi.amount,
    amount_captured: pi.amount,
    amount_refunded: 0,
    captured: true,
    created: Math.floor(nowMs / 1000),
    currency: pi.currency,
    livemode: false,
    metadata: { ...pi.metadata },
    paid: true,
    payment_intent: pi.id,
    payment_method: pi.payment_method,
    payment_method_details: { type: method },
    refunded: false,
    status: 'succeeded',
  }
}

export function newRefund(input: {
  charge: StripeObject
  amount: number
  metadata: Record<string, string>
  status: 'succeeded' | 'pending'
  nowMs: number
}): StripeObject {
  return {
    id: stripeId('re'),
    object: 'refund',
    amount: input.amount,
    charge: input.charge.id,
    created: Math.floor(input.nowMs / 1000),
    currency: input.charge.currency,
    metadata: input.metadata,
    payment_intent: input.charge.payment_intent,
    reason: null,
    status: input.status,
  }
}
