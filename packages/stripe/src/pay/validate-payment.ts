import type { ValidatePaymentInput } from '@loopkit/core'
import { stripeError } from '../_internal/errors.js'
import { toStripeAmount } from './amount.js'
import { type ResolvedOptions, type StripePayMethod, stripePayMethods } from './options.js'

// Stripe's `amount` has at most eight digits (docs.stripe.com/currencies, "Maximum charge amount").
const MAX_STRIPE_AMOUNT = 99_999_999

/** What a valid Stripe payment request resolves to. */
export interface StripePaymentPlan {
  method: StripePayMethod
  /** Where the buyer comes back to; `null` only for `card` (confirmed in the page by Stripe.js). */
  returnUrl: string | null
  /** The order's total in Stripe's units. */
  amount: number
}

/**
 * Everything Stripe would refuse that is known before an order exists: a method this adapter does
 * not offer, a missing return URL for the redirecting methods, and an amount Stripe cannot take in
 * the currency (unknown currency, a three-decimal amount not ending in 0, zero, over eight digits).
 * Checkout calls it before writing anything; `createPayment` calls it again, so both refuse alike.
 *
 * @example
 * ```ts
 * validateStripePayment(options, { customer, method: 'card', total: 8800, currency: 'USD' })
 * // { method: 'card', returnUrl: null, amount: 8800 }
 * ```
 */
export function validateStripePayment(
  options: ResolvedOptions,
  input: Pick<ValidatePaymentInput, 'method' | 'returnUrl' | 'total' | 'currency'>,
): StripePaymentPlan {
  const method = input.method ?? options.defaultMethod
  if (!stripePayMethods.includes(method as StripePayMethod))
    throw stripeError(
      'invalid_input',
      `Unknown Stripe method \`${method}\`; use ${stripePayMethods.join(', ')}.`,
    )
  const returnUrl = input.returnUrl ?? options.returnUrl
  if (!returnUrl && method !== 'card')
    throw stripeError('invalid_input', 'Stripe needs a `returnUrl` (per checkout or in the adapter options).')
  const amount = toStripeAmount(input.total, input.currency)
  if (!Number.isSafeInteger(amount) || amount < 1 || amount > MAX_STRIPE_AMOUNT)
    throw stripeError(
      'invalid_input',
      `Stripe takes amounts from 1 to ${MAX_STRIPE_AMOUNT} in its units; ${input.total} ${input.currency} is ${amount}.`,
    )
  return { method: method as StripePayMethod, returnUrl: returnUrl ?? null, amount }
}
