import { loopError } from '../errors.js'

/**
 * Money is an integer count of the currency's minor unit (fen for CNY, cents for USD, yen for JPY)
 * plus an ISO 4217 code. There are no floats anywhere in Loopkit.
 */
export interface Money {
  amount: number
  currency: string
}

/** ISO 4217 minor-unit exponents for the currencies Loopkit's providers settle in. */
export const currencyExponents: Readonly<Record<string, number>> = Object.freeze({
  AUD: 2,
  BHD: 3,
  CAD: 2,
  CHF: 2,
  CNY: 2,
  CZK: 2,
  DKK: 2,
  EUR: 2,
  GBP: 2,
  HKD: 2,
  HUF: 2,
  IDR: 2,
  ILS: 2,
  INR: 2,
  ISK: 0,
  JOD: 3,
  JPY: 0,
  KRW: 0,
  KWD: 3,
  MOP: 2,
  MXN: 2,
  MYR: 2,
  NOK: 2,
  NZD: 2,
  OMR: 3,
  PHP: 2,
  PLN: 2,
  RUB: 2,
  SAR: 2,
  SEK: 2,
  SGD: 2,
  THB: 2,
  TND: 3,
  TRY: 2,
  TWD: 2,
  USD: 2,
  VND: 0,
  ZAR: 2,
})

/**
 * The exponent of a currency, or a `LoopError('invalid_input')` for one Loopkit does not know.
 *
 * @example
 * ```ts
 * currencyExponent('CNY') // 2
 * currencyExponent('JPY') // 0
 * ```
 */
export function currencyExponent(currency: string): number {
  const e = currencyExponents[currency]
  if (e === undefined) throw loopError('money', 'invalid_input', `Unknown currency \`${currency}\`.`)
  return e
}

/**
 * Throws `LoopError('invalid_input')` unless `amount` is a safe non-negative integer of minor units.
 *
 * @example
 * ```ts
 * assertMinorUnits(8800) // fine
 * assertMinorUnits(88.5, 'price') // throws: `price` must be a non-negative integer of minor units
 * ```
 */
export function assertMinorUnits(amount: number, what = 'amount'): void {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw loopError(
      'money',
      'invalid_input',
      `\`${what}\` must be a non-negative integer of minor units, got ${amount}.`,
    )
  }
}

/**
 * Formats minor units as a decimal string without floating point: `formatMinor(1999, 'CNY')` is `"19.99"`.
 *
 * @example
 * ```ts
 * formatMinor(8800, 'CNY') // "88.00" — what Alipay's total_amount wants
 * ```
 */
export function formatMinor(amount: number, currency: string): string {
  assertMinorUnits(amount)
  const exp = currencyExponent(currency)
  if (exp === 0) return String(amount)
  const s = String(amount).padStart(exp + 1, '0')
  return `${s.slice(0, -exp)}.${s.slice(-exp)}`
}

/**
 * Parses a decimal string such as `"88.88"` into minor units exactly (no float on the way).
 *
 * @example
 * ```ts
 * parseMinor('88.88', 'CNY') // 8888
 * ```
 */
export function parseMinor(value: string, currency: string): number {
  const exp = currencyExponent(currency)
  const m = /^(\d+)(?:\.(\d+))?$/.exec(value)
  if (!m || (m[2] !== undefined && m[2].length > exp)) {
    throw loopError('money', 'invalid_input', `\`${value}\` is not an amount in ${currency}.`)
  }
  const minor = Number(m[1]!) * 10 ** exp + Number((m[2] ?? '').padEnd(exp, '0') || '0')
  assertMinorUnits(minor)
  return minor
}

/**
 * Money as a buyer reads it: `¥88.00` for CNY, otherwise the code and the amount (`USD 12.50`).
 *
 * @example
 * ```ts
 * displayMoney(8800, 'CNY') // "¥88.00"
 * ```
 */
export function displayMoney(amount: number, currency: string): string {
  return `${currency === 'CNY' ? '¥' : `${currency} `}${formatMinor(amount, currency)}`
}
