import { type KeyObject, verify } from 'node:crypto'
import { alipayError } from '../_internal/errors.js'

/**
 * The key of a gateway answer's payload for an API method.
 *
 * @example
 * ```ts
 * responseKey('alipay.trade.query') // "alipay_trade_query_response"
 * ```
 */
export function responseKey(method: string): string {
  return `${method.replace(/\./g, '_')}_response`
}

/** End (exclusive) of the JSON object starting at `start` (`{`), strings and escapes respected. */
function objectEnd(text: string, start: number): number {
  let depth = 0
  let inString = false
  for (let i = start; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
    } else if (c === '"') inString = true
    else if (c === '{') depth++
    else if (c === '}' && --depth === 0) return i + 1
  }
  return -1
}

/**
 * The exact bytes Alipay signed in a gateway answer: the raw text of the `<method>_response` object
 * (or `error_response`), as it stands in the body — never a re-serialization of the parsed value.
 *
 * @example
 * ```ts
 * responseSignContent({ text: '{"alipay_trade_query_response":{"code":"10000","msg":"Success"},"sign":"…"}', method: 'alipay.trade.query' })
 * // { key: 'alipay_trade_query_response', content: '{"code":"10000","msg":"Success"}' }
 * ```
 */
export function responseSignContent(input: {
  text: string
  method: string
}): { key: string; content: string } | null {
  for (const key of [responseKey(input.method), 'error_response']) {
    const marker = new RegExp(`"${key}"\\s*:\\s*\\{`).exec(input.text)
    if (!marker) continue
    const start = marker.index + marker[0].length - 1
    const end = objectEnd(input.text, start)
    if (end > 0) return { key, content: input.text.slice(start, end) }
  }
  return null
}

/** A gateway answer after verification: the payload object, the top-level fields, and whether it was signed. */
export interface VerifiedResponse {
  payload: Record<string, unknown>
  signed: boolean
  alipayCertSn: string | null
}

/**
 * Verifies a synchronous gateway answer: the `<method>_response` substring against the top-level
 * `sign` with Alipay's public key. Success (`10000`) and business failures (`40004`) must be signed;
 * gateway-level errors (`20000`, `40001`, `40002`, …) come unsigned from Alipay and are returned as
 * unsigned so the caller only ever turns them into errors.
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from 'node:crypto'
 * const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
 * verifyAlipayResponse({ text: '{"error_response":{"code":"40002","sub_code":"isv.invalid-signature"}}', method: 'alipay.trade.query', publicKey }).signed // false
 * ```
 */
export function verifyAlipayResponse(input: {
  text: string
  method: string
  publicKey: KeyObject
}): VerifiedResponse {
  let parsed: Record<string, unknown>
  try {
    parsed = JSON.parse(input.text) as Record<string, unknown>
  } catch (e) {
    throw alipayError('provider_error', 'Alipay answered with a body that is not JSON.', { cause: e })
  }
  const found = responseSignContent(input)
  // The payload is read from the very bytes the signature covers, never from a second copy elsewhere
  // in the body.
  let payload: Record<string, unknown> | null = null
  try {
    payload = found ? (JSON.parse(found.content) as Record<string, unknown>) : null
  } catch {
    payload = null
  }
  if (
    !found ||
    !payload ||
    typeof payload !== 'object' ||
    JSON.stringify(parsed[found.key]) !== JSON.stringify(payload)
  )
    throw alipayError('provider_error', `Alipay's answer has no single \`${responseKey(input.method)}\`.`)
  const sign = parsed.sign
  const alipayCertSn = typeof parsed.alipay_cert_sn === 'string' ? parsed.alipay_cert_sn : null
  const code = String(payload.code ?? '')
  if (typeof sign !== 'string' || sign === '') {
    if (code === '10000' || code === '40004' || code === '')
      throw alipayError(
        'signature_invalid',
        `An unsigned ${code || 'uncoded'} answer from Alipay is treated as forged.`,
      )
    return { payload, signed: false, alipayCertSn }
  }
  const ok = verify(
    'sha256',
    Buffer.from(found.content, 'utf8'),
    input.publicKey,
    Buffer.from(sign, 'base64'),
  )
  if (!ok)
    throw alipayError(
      'signature_invalid',
      'An answer from Alipay failed signature verification and is treated as forged.',
    )
  return { payload, signed: true, alipayCertSn }
}
