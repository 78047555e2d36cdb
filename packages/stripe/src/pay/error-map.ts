import type { LoopError, LoopErrorCode } from '@loopkit/core'
import { isLoopError } from '@loopkit/core'
import { printable, stripeError } from '../_internal/errors.js'

interface Mapping {
  code: LoopErrorCode
  retryable?: boolean
}

// Stripe error `code`s a caller acts on (docs.stripe.com/error-codes).
const byVendorCode: Readonly<Record<string, Mapping>> = {
  resource_missing: { code: 'not_found' },
  amount_too_large: { code: 'refund_exceeds_paid' },
  charge_already_refunded: { code: 'refund_exceeds_paid' },
  charge_not_refundable: { code: 'invalid_transition' },
  payment_intent_unexpected_state: { code: 'invalid_transition' },
  checkout_session_expired: { code: 'expired' },
  parameter_missing: { code: 'invalid_input' },
  parameter_invalid_integer: { code: 'invalid_input' },
  parameter_unknown: { code: 'invalid_input' },
  amount_too_small: { code: 'invalid_input' },
  payment_method_not_available: { code: 'configuration' },
  lock_timeout: { code: 'provider_unavailable', retryable: true },
  rate_limit: { code: 'rate_limited', retryable: true },
}

function byTypeAndStatus(type: string | undefined, status: number | undefined): Mapping {
  if (type === 'idempotency_error') return { code: 'conflict' }
  if (type === 'StripeConnectionError' || type === 'api_connection_error')
    return { code: 'provider_unavailable', retryable: true }
  if (status === 429) return { code: 'rate_limited', retryable: true }
  if (status === undefined || status >= 500) return { code: 'provider_unavailable', retryable: true }
  if (status === 401) return { code: 'configuration' }
  if (status === 403) return { code: 'forbidden' }
  if (status === 404) return { code: 'not_found' }
  if (status === 402) return { code: 'provider_error' }
  if (status === 400) return { code: 'invalid_input' }
  return { code: 'provider_error' }
}

/**
 * The one place Stripe SDK errors become `LoopError`s: the Stripe error `code` decides, then the
 * error type (`idempotency_error` → `conflict`, connection errors → retryable) and the HTTP status.
 * `providerCode` keeps Stripe's code; the message never carries the API key.
 *
 * @example
 * ```ts
 * try { await stripe.refunds.create(params) } catch (e) { throw mapStripeError(e) }
 * ```
 */
export function mapStripeError(error: unknown): LoopError {
  if (isLoopError(error)) return error
  const e = (error ?? {}) as {
    type?: string
    rawType?: string
    code?: string
    statusCode?: number
    message?: string
  }
  const vendor = typeof e.code === 'string' && e.code ? e.code : null
  const mapping = (vendor && byVendorCode[vendor]) || byTypeAndStatus(e.rawType ?? e.type, e.statusCode)
  const said = e.message
    ? `: ${printable(e.message.replace(/\b(sk|rk)_(test|live)_\w+/g, '$1_$2_***'), 200)}`
    : ''
  return stripeError(
    mapping.code,
    `Stripe answered ${e.statusCode ?? 'no response'}${vendor ? ` ${printable(vendor)}` : ''}${said}`,
    {
      retryable: mapping.retryable ?? false,
      ...(vendor ? { providerCode: vendor } : {}),
      cause: error,
    },
  )
}
