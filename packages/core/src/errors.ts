/**
 * Every failure Loopkit reports is a {@link LoopError} with a stable {@link LoopErrorCode}.
 * Callers branch on `code`, never on `message`.
 */
export type LoopErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'unauthorized'
  | 'forbidden'
  | 'conflict'
  | 'configuration'
  | 'signature_invalid'
  | 'timestamp_out_of_window'
  | 'replayed'
  | 'amount_mismatch'
  | 'out_of_stock'
  | 'limit_exceeded'
  | 'invalid_transition'
  | 'expired'
  | 'refund_exceeds_paid'
  | 'consent_missing'
  | 'recipient_refused'
  | 'message_invalid'
  | 'rate_limited'
  | 'login_state_mismatch'
  | 'payload_too_large'
  /** A channel's delivery window for this recipient is closed (WeChat's 48 h customer-service window). */
  | 'window_closed'
  /** A vendor quota that only a new period restores (WeChat's mass-send quota). */
  | 'quota_exceeded'
  | 'provider_error'
  | 'provider_unavailable'
  | 'storage_error'
  | 'timeout'
  | 'internal'

/** One zod-style issue: where and what. */
export interface LoopIssue {
  path: (string | number)[]
  message: string
  code?: string
}

/** What a {@link LoopError} is constructed from. */
export interface LoopErrorInit {
  code: LoopErrorCode
  message: string
  cause?: unknown
  issues?: LoopIssue[]
  /** HTTP status `loop.fetch` answers with; defaults by code. */
  status?: number
  /** For provider and messaging failures: may the same call succeed later? */
  retryable?: boolean
  /** The vendor's own error code, when one exists (`SIGN_ERROR`, `43101`). */
  providerCode?: string
  /** For `rate_limited`: when to try again (`loop.fetch` sends it as `retry-after`). */
  retryAfterMs?: number
}

const defaultStatus: Record<LoopErrorCode, number> = {
  invalid_input: 400,
  not_found: 404,
  unauthorized: 401,
  forbidden: 403,
  conflict: 409,
  configuration: 500,
  signature_invalid: 401,
  timestamp_out_of_window: 401,
  replayed: 409,
  amount_mismatch: 422,
  out_of_stock: 409,
  limit_exceeded: 409,
  invalid_transition: 409,
  expired: 410,
  refund_exceeds_paid: 422,
  consent_missing: 412,
  recipient_refused: 403,
  message_invalid: 422,
  rate_limited: 429,
  login_state_mismatch: 403,
  payload_too_large: 413,
  window_closed: 403,
  quota_exceeded: 429,
  provider_error: 502,
  provider_unavailable: 503,
  storage_error: 500,
  timeout: 504,
  internal: 500,
}

/**
 * The one error class of Loopkit.
 *
 * @example
 * ```ts
 * try { await loop.checkout(input) } catch (e) {
 *   if (isLoopError(e) && e.code === 'out_of_stock') showSoldOut()
 * }
 * ```
 */
export class LoopError extends Error {
  override name = 'LoopError' as const
  readonly code: LoopErrorCode
  readonly status: number
  readonly issues: LoopIssue[] | undefined
  readonly retryable: boolean
  readonly providerCode: string | undefined
  readonly retryAfterMs: number | undefined

  constructor(init: LoopErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause })
    this.code = init.code
    this.status = init.status ?? defaultStatus[init.code]
    this.issues = init.issues
    this.retryable = init.retryable ?? false
    this.providerCode = init.providerCode
    this.retryAfterMs = init.retryAfterMs
  }

  /** The JSON body `loop.fetch` sends for this error. */
  toJSON(): { error: { code: LoopErrorCode; message: string; issues?: LoopIssue[] } } {
    return {
      error: { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) },
    }
  }
}

/**
 * True for a {@link LoopError}, also one thrown in another realm (compares `name`, like ky).
 *
 * @example
 * ```ts
 * if (isLoopError(e) && e.retryable) scheduleRetry()
 * ```
 */
export function isLoopError(value: unknown): value is LoopError {
  return (
    value instanceof LoopError ||
    (typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'LoopError')
  )
}

/**
 * A {@link LoopError} whose message has the shape of every Loopkit message: `[loopkit] [scope] message`.
 *
 * @example
 * ```ts
 * throw loopError('pager', 'provider_unavailable', 'Pager answered 503.', { retryable: true })
 * ```
 */
export function loopError(
  scope: string,
  code: LoopErrorCode,
  message: string,
  extra: Omit<LoopErrorInit, 'code' | 'message'> = {},
): LoopError {
  return new LoopError({ code, message: `[loopkit] [${scope}] ${message}`, ...extra })
}

/**
 * The error for a missing required option, named the same way everywhere.
 *
 * @example
 * ```ts
 * if (!options.apiKey) throw requiredOptionError('pager', 'apiKey')
 * // [loopkit] [pager] Missing required option `apiKey`.
 * ```
 */
export function requiredOptionError(scope: string, option: string): LoopError {
  return loopError(scope, 'configuration', `Missing required option \`${option}\`.`)
}
