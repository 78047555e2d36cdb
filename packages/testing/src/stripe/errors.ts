/** A Stripe API answer before it is sent: status and JSON body. */
export interface StripeResult {
  status: number
  json: unknown
}

/**
 * Stripe's error envelope, `{ error: { type, code?, param?, message } }`, with its status.
 *
 * @example
 * ```ts
 * stripeFailure(404, 'invalid_request_error', 'No such payment_intent: pi_123', { code: 'resource_missing', param: 'id' })
 * ```
 */
export function stripeFailure(
  status: number,
  type: string,
  message: string,
  extra: { code?: string; param?: string } = {},
): StripeResult {
  return { status, json: { error: { type, message, ...extra } } }
}

export const missing = (what: string, id: string): StripeResult =>
  stripeFailure(404, 'invalid_request_error', `No such ${what}: '${id}'`, {
    code: 'resource_missing',
    param: 'id',
  })

export const invalidParam = (param: string, message: string, code = 'parameter_invalid'): StripeResult =>
  stripeFailure(400, 'invalid_request_error', message, { code, param })
