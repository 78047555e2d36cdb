import { currencyExponent } from '@loopkit/core'
import { stripeError } from '../_internal/errors.js'

// Stripe counts every currency in its "smallest unit", which is the ISO 4217 minor unit except where
// Stripe kept an older convention: ISK is zero-decimal in ISO 4217 but Stripe takes it with two
// decimals that must be `00` (docs.stripe.com/currencies, "Special cases").
const stripeExponentOverrides: Readonly<Record<string, number>> = { ISK: 2 }

function exponents(currency: string): { iso: number; stripe: number } {
  const iso = currencyExponent(currency)
  return { iso, stripe: stripeExponentOverrides[currency] ?? iso }
}

/**
 * Loopkit minor units → Stripe's `amount` for `currency` (ISO code, any case). Three-decimal
 * currencies (BHD, JOD, KWD, OMR, TND) must end in `0` at Stripe, so other amounts are refused here
 * rather than rounded.
 *
 * @example
 * ```ts
 * toStripeAmount(8800, 'CNY') // 8800
 * toStripeAmount(500, 'JPY')  // 500
 * toStripeAmount(1230, 'KWD') // 1230 (1.230 KWD)
 * ```
 */
export function toStripeAmount(amount: number, currency: string): number {
  const code = currency.toUpperCase()
  const { iso, stripe } = exponents(code)
  if (iso === 3 && amount % 10 !== 0) {
    throw stripeError(
      'invalid_input',
      `Stripe takes ${code} amounts in multiples of 10 minor units; ${amount} is not one.`,
    )
  }
  return amount * 10 ** (stripe - iso)
}

/**
 * Stripe's `amount` and lowercase `currency` → Loopkit minor units and the ISO code; a value that is
 * not a whole number of ISO minor units is refused (`invalid_input`), never rounded.
 *
 * @example
 * ```ts
 * fromStripeAmount(8800, 'cny') // { amount: 8800, currency: 'CNY' }
 * ```
 */
export function fromStripeAmount(amount: unknown, currency: unknown): { amount: number; currency: string } {
  if (typeof currency !== 'string' || !/^[a-zA-Z]{3}$/.test(currency))
    throw stripeError('invalid_input', 'Stripe object has no ISO currency.')
  const code = currency.toUpperCase()
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0)
    throw stripeError('invalid_input', `Stripe object has no integer amount in ${code}.`)
  const { iso, stripe } = exponents(code)
  const factor = 10 ** (stripe - iso)
  if (amount % factor !== 0)
    throw stripeError('invalid_input', `${amount} is not a whole ${code} amount in Stripe's units.`)
  return { amount: amount / factor, currency: code }
}
