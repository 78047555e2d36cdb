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

function reject(message: string): never {
  throw alipayError('signature_invalid', message)
}

/** Percent-decodes one form component to its bytes (`+` is a space); null when malformed. */
function formBytes(part: string): Uint8Array | null {
  const out: number[] = []
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i)
    if (c === 0x25) {
      const hex = part.slice(i + 1, i + 3)
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return null
      out.push(Number.parseInt(hex, 16))
      i += 2
    } else if (c === 0x2b) out.push(0x20)
    else if (c < 0x80) out.push(c)
    else return null
  }
  return new Uint8Array(out)
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
    if (!/^[a-z0-9_]{1,64}$/.test(key)) reject('The notification has a parameter name Alipay never sends.')
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
  const parts: Buffer[] = []
  for (const key of [...params.keys()].sort()) {
    const value = params.get(key)!
    if (key === 'sign' || key === 'sign_type' || value.length === 0) continue
    if (parts.length > 0) parts.push(Buffer.from('&'))
    parts.push(Buffer.from(`${key}=`), Buffer.from(value))
  }
  return new Uint8Array(Buffer.concat(parts))
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
  const decoder = new TextDecoder(charset, { fatal: true })
  const out: Record<string, string> = {}
  try {
    for (const [key, value] of params) out[key] = decoder.decode(value)
  } catch {
    reject(`A value of the notification is not valid ${charset}.`)
  }
  return out
}
