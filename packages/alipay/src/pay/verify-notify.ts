import { type KeyObject, verify } from 'node:crypto'
import { alipayError } from '../_internal/errors.js'

const FORM = 'application/x-www-form-urlencoded'

/** Charsets Alipay posts in (`charset` parameter), as `TextDecoder` labels. */
const charsets: Readonly<Record<string, string>> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  gbk: 'gbk',
  gb2312: 'gbk',
  gb18030: 'gb18030',
}

// Fatal decoders keep no state between whole-buffer `decode()` calls, so one per charset is reused.
const decoders = new Map<string, TextDecoder>()

function reject(message: string): never {
  throw alipayError('signature_invalid', message)
}

/** Percent-decodes one form component to its bytes (`+` is a space); null when malformed. */
function formBytes(part: string): Uint8Array | null {
  // Most values (dates, ids, amounts) have nothing encoded: take their ASCII bytes as they are.
  if (!/[%+]/.test(part)) return /^[ -~]*$/.test(part) ? Buffer.from(part, 'latin1') : null
  const out = Buffer.allocUnsafe(part.length)
  let n = 0
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i)
    if (c === 0x25) {
      const hi = hexValue(part.charCodeAt(i + 1))
      const lo = hexValue(part.charCodeAt(i + 2))
      if (hi < 0 || lo < 0) return null
      out[n++] = hi * 16 + lo
      i += 2
    } else if (c === 0x2b) out[n++] = 0x20
    else if (c < 0x80) out[n++] = c
    else return null
  }
  return out.subarray(0, n)
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  if (c >= 0x41 && c <= 0x46) return c - 0x37
  if (c >= 0x61 && c <= 0x66) return c - 0x57
  return -1
}

/** The raw parameters of a form body: each name with its value's bytes, in the charset they were sent in. */
function rawParams(body: Uint8Array): Map<string, Uint8Array> {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1')
  const params = new Map<string, Uint8Array>()
  for (const pair of text.split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const name = formBytes(eq < 0 ? pair : pair.slice(0, eq))
    const value = formBytes(eq < 0 ? '' : pair.slice(eq + 1))
    if (!name || !value) reject('The notification is not valid form encoding.')
    const key = Buffer.from(name).toString('latin1')
    if (!/^[A-Za-z0-9_]{1,64}$/.test(key)) reject('The notification has a parameter name Alipay never sends.')
    if (params.has(key)) reject(`The notification repeats \`${key}\`.`)
    params.set(key, value)
  }
  return params
}

/**
 * The bytes Alipay signs in an asynchronous notification: every parameter except `sign` and
 * `sign_type` (and empty ones), names sorted, `name=value` joined with `&`, values URL-decoded and
 * kept in the notification's own charset (so a `gbk` notification verifies without re-encoding).
 *
 * @example
 * ```ts
 * const params = new Map([['b', Buffer.from('2')], ['a', Buffer.from('1')], ['sign_type', Buffer.from('RSA2')]])
 * Buffer.from(notifySignContent(params)).toString() // "a=1&b=2"
 * ```
 */
export function notifySignContent(params: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const keys = [...params.keys()]
    .filter((k) => k !== 'sign' && k !== 'sign_type' && params.get(k)!.length > 0)
    .sort()
  // One buffer, sized first: names are ASCII, values are copied as the bytes that were sent.
  let size = Math.max(0, keys.length - 1)
  for (const k of keys) size += k.length + 1 + params.get(k)!.length
  const out = Buffer.allocUnsafe(size)
  let at = 0
  for (const [i, k] of keys.entries()) {
    if (i > 0) out[at++] = 0x26
    at += out.write(k, at, 'latin1')
    out[at++] = 0x3d
    const value = params.get(k)!
    out.set(value, at)
    at += value.length
  }
  return out
}

/**
 * Verifies an Alipay asynchronous notification on its raw form body with Alipay's public key
 * (RSA2 only), then decodes every value in the notification's `charset`. Anything that cannot be
 * verified — another content type, a malformed form, an unknown charset or sign type, a bad
 * signature — is `LoopError('signature_invalid')` and nothing is parsed further.
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from 'node:crypto'
 * const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
 * const body = new TextEncoder().encode('notify_id=1&sign_type=RSA2&sign=AAAA')
 * try { verifyAlipayNotification({ body, contentType: 'application/x-www-form-urlencoded', publicKey }) } catch (e) { console.log(e) }
 * ```
 */
export function verifyAlipayNotification(input: {
  body: Uint8Array
  contentType: string | null
  publicKey: KeyObject
}): Record<string, string> {
  if (!(input.body instanceof Uint8Array))
    reject('parseWebhook needs the raw body bytes (Uint8Array); a parsed object cannot be verified.')
  const type = (input.contentType ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== FORM) reject(`Alipay notifications are signed ${FORM} posts, not \`${type.slice(0, 40)}\`.`)
  const params = rawParams(input.body)
  const sign = params.get('sign')
  const signType = params.get('sign_type')
  if (!sign || sign.length === 0) reject('The notification has no `sign`.')
  if (!signType || Buffer.from(signType).toString('latin1') !== 'RSA2')
    reject('The notification is not signed with RSA2.')
  const charsetName = Buffer.from(params.get('charset') ?? Buffer.from('utf-8')).toString('latin1')
  const charset = charsets[charsetName.toLowerCase()]
  if (!charset) reject('The notification names a charset Alipay does not use.')
  // Strict Base64: Node's decoder skips characters it does not know, which would let an altered
  // signature decode to the genuine bytes.
  const signText = Buffer.from(sign).toString('latin1')
  const signature = Buffer.from(signText, 'base64')
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signText) || signature.toString('base64') !== signText)
    reject('The notification `sign` is not Base64.')
  if (!verify('sha256', notifySignContent(params), input.publicKey, signature))
    reject('The notification signature does not verify with the Alipay public key.')
  const decoder = decoders.get(charset) ?? new TextDecoder(charset, { fatal: true })
  decoders.set(charset, decoder)
  const out: Record<string, string> = {}
  try {
    for (const [key, value] of params) out[key] = decoder.decode(value)
  } catch {
    reject(`A value of the notification is not valid ${charset}.`)
  }
  return out
}
