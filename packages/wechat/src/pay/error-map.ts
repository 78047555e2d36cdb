import type { LoopError, LoopErrorCode } from '@loopkit/core'
import { printable, wechatError } from '../_internal/errors.js'

interface Mapping {
  code: LoopErrorCode
  retryable?: boolean
}

// Keyed by the vendor code without underscores, so both spellings WeChat has used across doc
// generations (`SYSTEM_ERROR`/`SYSTEMERROR`, `ORDER_NOT_EXIST`/`ORDERNOTEXIST`, …) map alike.
const byVendorCode: Readonly<Record<string, Mapping>> = {
  SIGNERROR: { code: 'configuration' },
  PARAMERROR: { code: 'invalid_input' },
  INVALIDREQUEST: { code: 'invalid_input' },
  INVALIDTRANSACTIONID: { code: 'invalid_input' },
  ORDERPAID: { code: 'invalid_transition' },
  ORDERCLOSED: { code: 'invalid_transition' },
  ORDERNOTEXIST: { code: 'not_found' },
  RESOURCENOTEXISTS: { code: 'not_found' },
  OUTTRADENOUSED: { code: 'conflict' },
  NOAUTH: { code: 'forbidden' },
  RULELIMIT: { code: 'forbidden' },
  REQUESTBLOCKED: { code: 'forbidden' },
  APPIDMCHIDNOTMATCH: { code: 'configuration' },
  MCHNOTEXISTS: { code: 'configuration' },
  MCHIDNOTMATCH: { code: 'configuration' },
  TRADEERROR: { code: 'provider_error' },
  USERACCOUNTABNORMAL: { code: 'provider_error' },
  // The merchant's balance cannot cover a refund yet: the same refund can succeed after a top-up.
  NOTENOUGH: { code: 'provider_error', retryable: true },
  SYSTEMERROR: { code: 'provider_unavailable', retryable: true },
  BANKERROR: { code: 'provider_unavailable', retryable: true },
  FREQUENCYLIMITED: { code: 'rate_limited', retryable: true },
}

function byStatus(status: number): Mapping {
  if (status === 429) return { code: 'rate_limited', retryable: true }
  if (status >= 500) return { code: 'provider_unavailable', retryable: true }
  if (status === 401) return { code: 'configuration' }
  if (status === 403) return { code: 'forbidden' }
  if (status === 404) return { code: 'not_found' }
  if (status === 400) return { code: 'invalid_input' }
  return { code: 'provider_error' }
}

/**
 * The one place WeChat Pay errors become `LoopError`s: the vendor `code` (either spelling) decides,
 * the HTTP status is the fallback; `providerCode` keeps the vendor's code, `retryable` says whether
 * the same request may succeed later (`SYSTEM_ERROR`, `FREQUENCY_LIMITED`, `NOT_ENOUGH`, 5xx).
 *
 * @example
 * ```ts
 * mapWechatPayError({ status: 500, code: 'SYSTEMERROR', message: '系统错误' }).retryable // true
 * ```
 */
export function mapWechatPayError(input: {
  status: number
  code?: string | null
  message?: string | null
  cause?: unknown
}): LoopError {
  const vendor = typeof input.code === 'string' && input.code ? input.code : null
  const mapping = (vendor && byVendorCode[vendor.toUpperCase().replace(/_/g, '')]) || byStatus(input.status)
  const said = input.message ? `: ${printable(input.message, 200, true)}` : ''
  return wechatError(
    mapping.code,
    `WeChat Pay answered ${input.status}${vendor ? ` ${printable(vendor)}` : ''}${said}`,
    {
      retryable: mapping.retryable ?? false,
      ...(vendor ? { providerCode: vendor } : {}),
      ...(input.cause === undefined ? {} : { cause: input.cause }),
    },
  )
}
