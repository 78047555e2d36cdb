import { alipayError } from '../_internal/errors.js'

/** Alipay's `total_amount` range: 0.01 to 100,000,000 yuan. */
export const ALIPAY_MAX_FEN = 10_000_000_000

const YUAN = /^(0|[1-9]\d{0,8})(?:\.(\d{1,2}))?$/

/**
 * An Alipay amount (decimal yuan, at most two decimals: `"88.88"`, `"0.01"`, `"1.1"`) in fen, exactly,
 * without floating point. Anything else — a sign, an exponent, a third decimal, two dots, spaces — is
 * `LoopError('invalid_input')`.
 *
 * @example
 * ```ts
 * yuanToFen('1.10') // 110
 * yuanToFen('99999999.99') // 9999999999
 * ```
 */
export function yuanToFen(value: string): number {
  const m = typeof value === 'string' ? YUAN.exec(value) : null
  if (!m)
    throw alipayError('invalid_input', `\`${String(value).slice(0, 24)}\` is not an Alipay amount in yuan.`)
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
  if (fen > ALIPAY_MAX_FEN) throw alipayError('invalid_input', `Alipay amounts stop at 100000000.00 yuan.`)
  return fen
}

/**
 * Fen as Alipay's decimal yuan string with two decimals, exactly: `fenToYuan(110)` is `"1.10"`.
 * Refuses anything but an integer in Alipay's range (1 fen to 100,000,000 yuan).
 *
 * @example
 * ```ts
 * fenToYuan(8888) // "88.88"
 * fenToYuan(1) // "0.01"
 * ```
 */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0 || fen > ALIPAY_MAX_FEN)
    throw alipayError(
      'invalid_input',
      `Alipay needs an integer amount of 0..${ALIPAY_MAX_FEN} fen, got ${fen}.`,
    )
  const s = String(fen).padStart(3, '0')
  return `${s.slice(0, -2)}.${s.slice(-2)}`
}
