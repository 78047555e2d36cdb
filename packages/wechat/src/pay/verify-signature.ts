import { type KeyObject, verify } from 'node:crypto'
import { describeOptionValue } from '@loopkit/core'
import { printable, wechatError } from '../_internal/errors.js'
import { isPublicKeyId, normalizeHexSerial, readVerifier, sameSerial } from '../_internal/keys.js'

/** Keys that may have signed a WeChat Pay response or callback, by `Wechatpay-Serial`. */
export type WechatVerifiers = ReadonlyMap<string, KeyObject>

/** Callbacks and responses older or newer than this are refused (the official SDKs' 5 minutes). */
export const MAX_CLOCK_SKEW_SECONDS = 300

/** Signature values WeChat Pay sends to check that merchants really verify. They must just fail. */
export const PROBE_SIGNATURE_PREFIX = 'WECHATPAY/SIGNTEST/'

/**
 * Builds the serial → key map from PEM strings: platform certificates keyed by their serial (hex)
 * and WeChat Pay public keys keyed by their `PUB_KEY_ID_…`, both at once, so callbacks verify
 * during a certificate → public-key migration whichever key WeChat picks.
 *
 * @example
 * ```ts
 * const verifiers = createVerifiers({
 *   '5157F09EFDC096DE15EBE81A47057A7232F1B8E1': platformCertPem,
 *   PUB_KEY_ID_0114232134912410000000000000: wechatPayPublicKeyPem,
 * })
 * ```
 */
export function createVerifiers(input: Readonly<Record<string, string | KeyObject>>): Map<string, KeyObject> {
  const map = new Map<string, KeyObject>()
  for (const [rawId, value] of Object.entries(input)) {
    // The map key is echoed masked: a secret pasted here (an APIv3 key, an AppSecret) stays out of logs.
    const option = `verifiers[${describeOptionValue(rawId)}]`
    let id: string
    if (isPublicKeyId(rawId)) id = rawId
    else {
      const hex = normalizeHexSerial(rawId)
      if (!hex) {
        throw wechatError(
          'configuration',
          `\`verifiers\` keys must be a platform certificate serial (hex) or a \`PUB_KEY_ID_…\`, got ${describeOptionValue(rawId)}.`,
        )
      }
      id = hex
    }
    const { key, serial } = readVerifier(value, option)
    if (serial !== null && !sameSerial(serial, id)) {
      throw wechatError(
        'configuration',
        `\`${option}\` is the certificate with serial ${serial}, not the key's.`,
      )
    }
    if (key.asymmetricKeyType !== 'rsa')
      throw wechatError('configuration', `\`${option}\` must be an RSA key.`)
    map.set(id, key)
  }
  if (map.size === 0) {
    throw wechatError(
      'configuration',
      'Missing required option `verifiers` (the WeChat Pay public key and/or platform certificates, by serial).',
    )
  }
  return map
}

/**
 * The message WeChat Pay signs on responses and callbacks: `TIMESTAMP\nNONCE\nRAW_BODY\n`
 * (an empty body gives `TS\nNONCE\n\n`), as bytes so the raw body is never re-encoded.
 *
 * @example
 * ```ts
 * responseSignatureMessage({ timestamp: '1722850421', nonce: 'd824f2e0…', body: rawBytes })
 * ```
 */
export function responseSignatureMessage(input: {
  timestamp: string
  nonce: string
  body: Uint8Array | string
}): Buffer {
  const head = Buffer.from(`${input.timestamp}\n${input.nonce}\n`, 'utf8')
  const body = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body
  return Buffer.concat([head, body, NEWLINE])
}

const NEWLINE = Buffer.from('\n')

/** The WeChat Pay headers of a verified message. */
export interface VerifiedHeaders {
  serial: string
  timestamp: number
  nonce: string
  requestId: string | null
}

/**
 * Request or response headers: a `Headers` object or a plain record (names in any case).
 * @inline
 */
type HeaderSource = Headers | Readonly<Record<string, string | undefined>>

function header(headers: HeaderSource, name: string): string | null {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name)
  const record = headers as Readonly<Record<string, string | undefined>>
  return record[name] ?? record[name.toLowerCase()] ?? null
}

/**
 * Verifies a WeChat Pay response or callback on its raw body: the four `Wechatpay-*` headers must be
 * present, the timestamp within 300 s of `now`, and the signature valid under the key chosen by
 * `Wechatpay-Serial`. Throws `LoopError('signature_invalid' | 'timestamp_out_of_window')`; probe
 * signatures (`WECHATPAY/SIGNTEST/…`) fail like any other invalid signature.
 *
 * @example
 * ```ts
 * verifyWechatSignature({ headers: request.headers, body: new Uint8Array(await request.arrayBuffer()), verifiers, now: Date.now() })
 * ```
 */
export function verifyWechatSignature(input: {
  headers: HeaderSource
  body: Uint8Array | string
  verifiers: WechatVerifiers
  /** Milliseconds. */
  now: number
  maxSkewSeconds?: number
}): VerifiedHeaders {
  const serial = header(input.headers, 'Wechatpay-Serial')
  const signature = header(input.headers, 'Wechatpay-Signature')
  const timestamp = header(input.headers, 'Wechatpay-Timestamp')
  const nonce = header(input.headers, 'Wechatpay-Nonce')
  if (!serial || !signature || !timestamp || !nonce) {
    const missing = [
      ['Wechatpay-Serial', serial],
      ['Wechatpay-Signature', signature],
      ['Wechatpay-Timestamp', timestamp],
      ['Wechatpay-Nonce', nonce],
    ]
      .filter(([, v]) => !v)
      .map(([k]) => k)
    throw wechatError('signature_invalid', `Missing WeChat Pay signature header(s): ${missing.join(', ')}.`)
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw wechatError(
      'signature_invalid',
      `\`Wechatpay-Timestamp\` is not Unix seconds: \`${printable(timestamp)}\`.`,
    )
  }
  const ts = Number(timestamp)
  const skew = Math.abs(Math.floor(input.now / 1000) - ts)
  if (skew > (input.maxSkewSeconds ?? MAX_CLOCK_SKEW_SECONDS)) {
    throw wechatError(
      'timestamp_out_of_window',
      `\`Wechatpay-Timestamp\` is ${skew} s away from now (limit ${input.maxSkewSeconds ?? MAX_CLOCK_SKEW_SECONDS} s).`,
    )
  }
  const key = input.verifiers.get(serial) ?? input.verifiers.get(normalizeHexSerial(serial) ?? '')
  if (!key) {
    throw wechatError(
      'signature_invalid',
      `Unknown \`Wechatpay-Serial\` \`${printable(serial)}\`: add that platform certificate or public key to \`verifiers\`.`,
    )
  }
  if (
    signature.startsWith(PROBE_SIGNATURE_PREFIX) ||
    !rsaVerify(responseSignatureMessage({ timestamp, nonce, body: input.body }), key, signature)
  )
    throw wechatError('signature_invalid', 'WeChat Pay signature does not verify.')
  return { serial, timestamp: ts, nonce, requestId: header(input.headers, 'Request-ID') }
}

function rsaVerify(message: Buffer, key: KeyObject, signature: string): boolean {
  const bytes = Buffer.from(signature, 'base64')
  // Only canonical Base64: Node's decoder ignores stray characters and padding bits, and a
  // signature WeChat produced never has them.
  if (bytes.toString('base64') !== signature) return false
  try {
    return verify('sha256', message, key, bytes)
  } catch {
    return false
  }
}
