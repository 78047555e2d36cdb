import type { LoopError, LoopErrorCode } from '@loopkit/core'
import { alipayError, printable } from '../_internal/errors.js'

interface Mapping {
  code: LoopErrorCode
  retryable?: boolean
}

// Business failures (code 40004) are told apart by `sub_code`.
const bySubCode: Readonly<Record<string, Mapping>> = {
  'ACQ.TRADE_NOT_EXIST': { code: 'not_found' },
  'ACQ.TRADE_HAS_SUCCESS': { code: 'invalid_transition' },
  'ACQ.TRADE_HAS_CLOSE': { code: 'invalid_transition' },
  'ACQ.TRADE_HAS_FINISHED': { code: 'invalid_transition' },
  'ACQ.TRADE_STATUS_ERROR': { code: 'invalid_transition' },
  'ACQ.TRADE_NOT_ALLOW_REFUND': { code: 'invalid_transition' },
  'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL': { code: 'refund_exceeds_paid' },
  'ACQ.CONTEXT_INCONSISTENT': { code: 'conflict' },
  'ACQ.INVALID_PARAMETER': { code: 'invalid_input' },
  'ACQ.TOTAL_FEE_EXCEED': { code: 'invalid_input' },
  'ACQ.ACCESS_FORBIDDEN': { code: 'forbidden' },
  'ACQ.SELLER_BALANCE_NOT_ENOUGH': { code: 'provider_error', retryable: true },
  'ACQ.SYSTEM_ERROR': { code: 'provider_unavailable', retryable: true },
  'isv.invalid-signature': { code: 'configuration' },
  'isv.missing-signature': { code: 'configuration' },
  'isv.invalid-app-id': { code: 'configuration' },
  'isv.invalid-timestamp': { code: 'configuration' },
}

// Gateway codes (公共错误码) when there is no known sub_code.
const byCode: Readonly<Record<string, Mapping>> = {
  '20000': { code: 'provider_unavailable', retryable: true },
  '20001': { code: 'configuration' },
  '40001': { code: 'invalid_input' },
  '40002': { code: 'invalid_input' },
  '40004': { code: 'provider_error' },
  '40006': { code: 'forbidden' },
}

/**
 * The one place Alipay errors become `LoopError`s: `sub_code` decides (`ACQ.TRADE_NOT_EXIST` →
 * `not_found`, `isv.invalid-signature` → `configuration`, …), the gateway `code` is the fallback;
 * `providerCode` keeps the vendor's code and `retryable` says whether the same call may succeed later.
 *
 * @example
 * ```ts
 * mapAlipayError({ code: '40004', sub_code: 'ACQ.TRADE_NOT_EXIST', sub_msg: '交易不存在' }).code // 'not_found'
 * ```
 */
export function mapAlipayError(payload: {
  code?: unknown
  msg?: unknown
  sub_code?: unknown
  sub_msg?: unknown
}): LoopError {
  const code = typeof payload.code === 'string' ? payload.code : ''
  const sub = typeof payload.sub_code === 'string' && payload.sub_code ? payload.sub_code : null
  const mapping = (sub && bySubCode[sub]) || byCode[code] || { code: 'provider_error' as const }
  const said =
    typeof payload.sub_msg === 'string' ? payload.sub_msg : typeof payload.msg === 'string' ? payload.msg : ''
  return alipayError(
    mapping.code,
    `Alipay answered ${printable(code, 8)}${sub ? ` ${printable(sub)}` : ''}${said ? `: ${printable(said, 200)}` : ''}`,
    { retryable: mapping.retryable ?? false, providerCode: sub ?? code },
  )
}
