import type { RefundInput, RefundOutput } from '@loopkit/core'
import type Stripe from 'stripe'
import { stripeError } from '../_internal/errors.js'
import { toStripeAmount } from './amount.js'
import { mapStripeError } from './error-map.js'
import { ORDER_KEY, REFUND_KEY } from './options.js'

/** Stripe refund `status` → Loopkit's; `requires_action` waits on the buyer, so it is still pending. */
export const refundStatuses: Readonly<Record<string, RefundOutput['status']>> = {
  succeeded: 'succeeded',
  pending: 'pending',
  requires_action: 'pending',
  failed: 'failed',
  canceled: 'failed',
}

/**
 * Refunds all or part of a paid order's PaymentIntent. The idempotency key is derived from the
 * refund number, so a retried refund never pays out twice; the refund number also travels in the
 * refund's metadata so `refund.*` and `charge.refunded` webhooks find it.
 */
export async function refundStripePayment(stripe: Stripe, input: RefundInput): Promise<RefundOutput> {
  const { order, refund } = input
  if (!order.providerRef?.startsWith('pi_'))
    throw stripeError('invalid_input', `Order ${order.number} has no Stripe PaymentIntent to refund.`)
  if (refund.currency !== order.currency)
    throw stripeError(
      'invalid_input',
      `Refund ${refund.number} is in ${refund.currency}, the order in ${order.currency}.`,
    )
  try {
    const created = await stripe.refunds.create(
      {
        payment_intent: order.providerRef,
        amount: toStripeAmount(refund.amount, refund.currency),
        metadata: { [REFUND_KEY]: refund.number, [ORDER_KEY]: order.number },
      },
      { idempotencyKey: `loopkit-refund-${refund.number}` },
    )
    return { status: refundStatuses[created.status ?? 'pending'] ?? 'pending', providerRef: created.id }
  } catch (error) {
    throw mapStripeError(error)
  }
}
