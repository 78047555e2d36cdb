import type { Order, ProviderRefund, Refund } from '@loopkit/core'
import type Stripe from 'stripe'
import { stripeError } from '../_internal/errors.js'
import { fromStripeAmount } from './amount.js'
import { mapStripeError } from './error-map.js'
import { REFUND_KEY } from './options.js'
import { refundStatuses } from './refund.js'

// A PaymentIntent with more refunds than this is not one Loopkit made (an order is refunded in at
// most a handful of parts); stop paging rather than walk an unbounded list.
const MAX_PAGES = 10

/**
 * Stripe's state of one Loopkit refund. Stripe has no lookup by idempotency key, so the order's
 * PaymentIntent's refunds are listed (`GET /v1/refunds?payment_intent=…`) and the one carrying the
 * refund number in its metadata is the answer. `null` when there is none — the request never
 * reached Stripe, or the order has no PaymentIntent yet — so reconciliation sends it again under
 * the same idempotency key.
 *
 * @example
 * ```ts
 * await adapter.queryRefund({ order, refund }) // { status: 'succeeded', refundNumber: refund.number, amount: 3000, … }
 * ```
 */
export async function queryStripeRefund(
  stripe: Stripe,
  input: { order: Order; refund: Refund },
): Promise<ProviderRefund | null> {
  const { order, refund } = input
  if (!order.providerRef?.startsWith('pi_')) return null
  try {
    let startingAfter: string | undefined
    for (let page = 0; page < MAX_PAGES; page++) {
      const list = await stripe.refunds.list({
        payment_intent: order.providerRef,
        limit: 100,
        ...(startingAfter ? { starting_after: startingAfter } : {}),
      })
      const found = list.data.find((r) => r.metadata?.[REFUND_KEY] === refund.number)
      if (found) {
        const money = fromStripeAmount(found.amount, found.currency)
        if (money.currency !== refund.currency)
          throw stripeError(
            'amount_mismatch',
            `Stripe refund ${found.id} is in ${money.currency}, refund ${refund.number} in ${refund.currency}.`,
          )
        return {
          status: refundStatuses[found.status ?? 'pending'] ?? 'pending',
          refundNumber: refund.number,
          providerRef: found.id,
          amount: money.amount,
        }
      }
      if (!list.has_more || list.data.length === 0) return null
      startingAfter = list.data.at(-1)!.id
    }
    return null
  } catch (error) {
    throw mapStripeError(error)
  }
}
