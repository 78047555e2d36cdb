import { createHmac, timingSafeEqual } from 'node:crypto'
import { stripeError } from '../_internal/errors.js'

/** Stripe's default tolerance in seconds (stripe-node `DEFAULT_TOLERANCE`). */
export const DEFAULT_TOLERANCE_SECONDS = 300

/** A parsed `Stripe-Signature` header: the timestamp and every `v1` signature (hex). */
export interface StripeSignatureHeader {
  timestamp: number
  signatures: string[]
}

/**
 * Parses `t=<unix seconds>,v1=<hex>[,v1=<hex>…][,v0=…]` the way Stripe documents it: split on `,`
 * then on the first `=`; keep `t` and **all** `v1` values (several while an endpoint secret rolls);
 * other schemes (`v0` is test-only) are ignored. Returns null when there is no usable `t` or `v1`.
 *
 * @example
 * ```ts
 * parseStripeSignatureHeader('t=1700000000,v1=5257a8…,v0=6ffbb5…')
 * // { timestamp: 1700000000, signatures: ['5257a8…'] }
 * ```
 */
export function parseStripeSignatureHeader(header: string): StripeSignatureHeader | null {
  let timestamp = -1
  const signatures: string[] = []
  // A hand-written scan (no regex, no split): this runs on every webhook before the HMAC.
  let start = 0
  while (start <= header.length) {
    let end = header.indexOf(',', start)
    if (end < 0) end = header.length
    const eq = header.indexOf('=', start)
    if (eq > start && eq < end) {
      if (eq - start === 1 && header.charCodeAt(start) === 116 /* t */) {
        // Digits only: `Number('1e3')` or `' 12'` would otherwise be a timestamp.
        if (timestamp !== -1 || !isDigits(header, eq + 1, end)) return null
        timestamp = Number(header.slice(eq + 1, end))
      } else if (eq - start === 2 && header.startsWith('v1', start)) {
        signatures.push(header.slice(eq + 1, end))
      }
    }
    start = end + 1
  }
  if (timestamp === -1 || signatures.length === 0) return null
  return { timestamp, signatures }
}

function isDigits(s: string, from: number, to: number): boolean {
  if (to <= from || to - from > 12) return false
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

/** Lowercase hex of a SHA-256 (what Stripe sends), decoded; null for anything else. */
function decodeV1(v1: string): Buffer | null {
  if (v1.length !== 64) return null
  for (let i = 0; i < 64; i++) {
    const c = v1.charCodeAt(i)
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return null
  }
  return Buffer.from(v1, 'hex')
}

/**
 * The `v1` signature: lowercase hex `HMAC-SHA256(key = the whole endpoint secret `whsec_…` as UTF-8,
 * message = "<t>." + raw body bytes)`.
 *
 * @example
 * ```ts
 * const v1 = computeStripeSignature({ secret: 'whsec_test', timestamp: 1700000000, body: rawBody })
 * const header = `t=1700000000,v1=${v1}`
 * ```
 */
export function computeStripeSignature(input: {
  secret: string
  timestamp: number
  body: Uint8Array | string
}): string {
  return signatureBytes(input.secret, input.timestamp, input.body).toString('hex')
}

function signatureBytes(secret: string, timestamp: number, body: Uint8Array | string): Buffer {
  // The raw bytes are hashed as received: no decode/re-encode, so nothing a parser would normalize
  // (BOM, invalid UTF-8, spacing) can make two different bodies verify alike.
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest()
}

/**
 * Verifies a Stripe webhook on its raw body: a `v1` signature made with any of `secrets` (several
 * during a rotation), compared in constant time, and a timestamp not older than `tolerance` seconds
 * (`0` disables the age check; future timestamps are accepted, as stripe-node does). Throws
 * `LoopError('signature_invalid')` or `LoopError('timestamp_out_of_window')`; returns the timestamp.
 *
 * @example
 * ```ts
 * verifyStripeSignature({
 *   body, header: request.headers.get('stripe-signature'), secrets: ['whsec_…'], now: Date.now(),
 * })
 * ```
 */
export function verifyStripeSignature(input: {
  body: Uint8Array
  header: string | null | undefined
  secrets: readonly string[]
  /** Milliseconds clock reading. */
  now: number
  tolerance?: number
}): { timestamp: number } {
  if (!input.header) throw stripeError('signature_invalid', 'Webhook has no `Stripe-Signature` header.')
  const parsed = parseStripeSignatureHeader(input.header)
  if (!parsed)
    throw stripeError('signature_invalid', '`Stripe-Signature` has no timestamp or no `v1` signature.')
  const candidates: Buffer[] = []
  for (const v1 of parsed.signatures) {
    const decoded = decodeV1(v1)
    if (decoded) candidates.push(decoded)
  }
  let matched = false
  for (const secret of input.secrets) {
    const expected = signatureBytes(secret, parsed.timestamp, input.body)
    // Every candidate is compared (no early exit), so timing says nothing about which one matched.
    for (const candidate of candidates) if (timingSafeEqual(expected, candidate)) matched = true
  }
  if (!matched) throw stripeError('signature_invalid', 'No `v1` signature matches the raw body.')
  const tolerance = input.tolerance ?? DEFAULT_TOLERANCE_SECONDS
  const age = Math.floor(input.now / 1000) - parsed.timestamp
  if (tolerance > 0 && age > tolerance) {
    throw stripeError(
      'timestamp_out_of_window',
      `Webhook was signed ${age} s ago, more than the ${tolerance} s tolerance.`,
    )
  }
  return { timestamp: parsed.timestamp }
}
