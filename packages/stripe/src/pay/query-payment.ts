import type { ProviderPayment } from '@loopkit/core'
import type Stripe from 'stripe'
import { stripeError } from '../_internal/errors.js'
import { fromStripeAmount } from './amount.js'
import { mapStripeError } from './error-map.js'
import { ORDER_KEY } from './options.js'

const statuses: Readonly<Record<string, ProviderPayment['status']>> = {
  requires_payment_method: 'pending',
  requires_confirmation: 'pending',
  requires_action: 'pending',
  processing: 'pending',
  requires_capture: 'pending',
  succeeded: 'succeeded',
  canceled: 'closed',
}

function toProviderPayment(orderNumber: string, pi: Stripe.PaymentIntent): ProviderPayment {
  const status = statuses[pi.status] ?? 'pending'
  const money = fromStripeAmount(status === 'succeeded' ? pi.amount_received : pi.amount, pi.currency)
  const charge = typeof pi.latest_charge === 'object' ? pi.latest_charge : null
  return {
    status,
    orderNumber,
    providerRef: pi.id,
    ...money,
    paidAt: status === 'succeeded' ? (charge?.created ?? pi.created) * 1000 : null,
  }
}

// Literal quotes and backslashes cannot appear in an order number (Loopkit's are base62), but a
// search string is a query language: refuse anything else rather than escape it.
function searchQuery(orderNumber: string): string {
  if (!/^[0-9A-Za-z_\-|*]{1,64}$/.test(orderNumber))
    throw stripeError('invalid_input', 'Order number has characters a Stripe search cannot carry.')
  return `metadata['${ORDER_KEY}']:'${orderNumber}'`
}

/** Every PaymentIntent Stripe holds for an order, newest first (Search API, by metadata). */
export async function findPaymentIntents(
  stripe: Stripe,
  orderNumber: string,
): Promise<Stripe.PaymentIntent[]> {
  const found = await stripe.paymentIntents.search({ query: searchQuery(orderNumber), limit: 20 })
  return [...found.data].sort((a, b) => b.created - a.created)
}

/**
 * The provider's view of an order: by `providerRef` when the loop has one (`pi_…` or `cs_…`), else by
 * a metadata search. A Checkout Session nobody has started paying has no PaymentIntent yet → `null`.
 * Search results can lag writes by up to a minute at Stripe, which suits reconciliation (minutes later).
 */
export async function queryStripePayment(
  stripe: Stripe,
  input: { orderNumber: string; providerRef?: string | null },
): Promise<ProviderPayment | null> {
  try {
    const ref = input.providerRef ?? null
    let pi: Stripe.PaymentIntent | null = null
    if (ref?.startsWith('pi_')) {
      pi = await stripe.paymentIntents.retrieve(ref, { expand: ['latest_charge'] })
    } else if (ref?.startsWith('cs_')) {
      const session = await stripe.checkout.sessions.retrieve(ref)
      const id =
        typeof session.payment_intent === 'string' ? session.payment_intent : session.payment_intent?.id
      pi = id ? await stripe.paymentIntents.retrieve(id, { expand: ['latest_charge'] }) : null
    } else {
      const all = await findPaymentIntents(stripe, input.orderNumber)
      const best = all.find((p) => p.status === 'succeeded') ?? all[0]
      pi = best ? await stripe.paymentIntents.retrieve(best.id, { expand: ['latest_charge'] }) : null
    }
    if (!pi) return null
    if (pi.metadata?.[ORDER_KEY] !== input.orderNumber)
      throw stripeError('conflict', `PaymentIntent ${pi.id} belongs to another order.`)
    return toProviderPayment(input.orderNumber, pi)
  } catch (error) {
    throw mapStripeError(error)
  }
}

/**
 * Stops an unpaid order from being paid: its open PaymentIntents are cancelled and an open Checkout
 * Session around one is expired. A session nobody started has no PaymentIntent to find; it expires
 * by itself at the order's expiry (`expires_at`), and a payment after that is refunded by the loop.
 */
export async function closeStripePayment(stripe: Stripe, input: { orderNumber: string }): Promise<void> {
  try {
    for (const pi of await findPaymentIntents(stripe, input.orderNumber)) {
      if (pi.status === 'succeeded' || pi.status === 'canceled' || pi.status === 'processing') continue
      const sessions = await stripe.checkout.sessions.list({ payment_intent: pi.id, limit: 1 })
      const session = sessions.data[0]
      if (session) {
        if (session.status === 'open')
          await stripe.checkout.sessions.expire(
            session.id,
            {},
            { idempotencyKey: `loopkit-expire-${session.id}` },
          )
      } else {
        await stripe.paymentIntents.cancel(pi.id, {}, { idempotencyKey: `loopkit-cancel-${pi.id}` })
      }
    }
  } catch (error) {
    throw mapStripeError(error)
  }
}
