import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto'
import { wechatError } from './errors.js'

const PEM = /-----BEGIN ([A-Z0-9 ]+)-----/

/** Env vars often carry PEM with literal `\n`; keys pasted from a portal often lose their armor. */
function unescapeNewlines(text: string): string {
  return text.includes('\\n') ? text.replace(/(?:\\r)?\\n/g, '\n') : text
}

function derBody(text: string): Buffer | null {
  const compact = text.replace(/\s+/g, '')
  return /^[A-Za-z0-9+/]+={0,2}$/.test(compact) && compact.length > 100
    ? Buffer.from(compact, 'base64')
    : null
}

/**
 * Reads the merchant API private key (`apiclient_key.pem`): PEM PKCS#8 (`BEGIN PRIVATE KEY`, what the
 * merchant portal issues) or PEM PKCS#1 (`BEGIN RSA PRIVATE KEY`), also without armor or with escaped
 * newlines. Throws `LoopError('configuration')` naming the problem, never echoing the key.
 */
export function readPrivateKey(input: string | KeyObject, option = 'privateKey'): KeyObject {
  if (typeof input !== 'string') {
    if (input.type !== 'private') throw wechatError('configuration', `\`${option}\` must be a private key.`)
    return input
  }
  const text = unescapeNewlines(input).trim()
  const label = PEM.exec(text)?.[1]
  if (label === 'CERTIFICATE' || label === 'PUBLIC KEY' || label === 'RSA PUBLIC KEY') {
    throw wechatError(
      'configuration',
      `\`${option}\` holds a ${label.toLowerCase()}, not a private key: use apiclient_key.pem (BEGIN PRIVATE KEY), not the certificate or the WeChat Pay public key.`,
    )
  }
  let key: KeyObject | null = null
  let cause: unknown
  try {
    if (label) key = createPrivateKey(text)
    else {
      const der = derBody(text)
      if (der) {
        try {
          key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
        } catch {
          key = createPrivateKey({ key: der, format: 'der', type: 'pkcs1' })
        }
      }
    }
  } catch (e) {
    cause = e
  }
  if (!key) {
    throw wechatError(
      'configuration',
      `Could not read \`${option}\`: expected a PEM PKCS#8 key (-----BEGIN PRIVATE KEY-----, as in apiclient_key.pem) or a PEM PKCS#1 key (-----BEGIN RSA PRIVATE KEY-----).`,
      cause === undefined ? {} : { cause: new Error(String((cause as Error).message ?? cause)) },
    )
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw wechatError(
      'configuration',
      `\`${option}\` must be an RSA key, got ${key.asymmetricKeyType ?? 'unknown'}.`,
    )
  }
  return key
}

/**
 * Reads a WeChat Pay verifier: a platform certificate (`BEGIN CERTIFICATE`) or a WeChat Pay public key
 * (`BEGIN PUBLIC KEY`, the `PUB_KEY_ID_…` mode). Returns the public key and, for a certificate, its
 * serial (uppercase hex) so the caller can check it against the map key.
 */
export function readVerifier(
  input: string | KeyObject,
  option: string,
): { key: KeyObject; serial: string | null } {
  if (typeof input !== 'string') {
    if (input.type !== 'public') throw wechatError('configuration', `\`${option}\` must be a public key.`)
    return { key: input, serial: null }
  }
  const text = unescapeNewlines(input).trim()
  const label = PEM.exec(text)?.[1]
  if (label?.includes('PRIVATE')) {
    throw wechatError(
      'configuration',
      `\`${option}\` holds a private key; it needs the WeChat Pay platform certificate or public key.`,
    )
  }
  try {
    if (label === 'CERTIFICATE') {
      const cert = new X509Certificate(text)
      return { key: cert.publicKey, serial: normalizeHexSerial(cert.serialNumber) }
    }
    const key = label
      ? createPublicKey(text)
      : createPublicKey({ key: derBody(text) ?? Buffer.alloc(0), format: 'der', type: 'spki' })
    return { key, serial: null }
  } catch (e) {
    throw wechatError(
      'configuration',
      `Could not read \`${option}\`: expected a PEM certificate (BEGIN CERTIFICATE) or a PEM public key (BEGIN PUBLIC KEY).`,
      { cause: e },
    )
  }
}

/** Uppercase hex without `0x`, colons or spaces, or null when `value` is not hex. */
export function normalizeHexSerial(value: string): string | null {
  const hex = value.trim().replace(/^0x/i, '').replace(/[:\s]/g, '').toUpperCase()
  return /^[0-9A-F]+$/.test(hex) ? hex : null
}

/** Two hex serials name the same certificate (leading zeros aside). */
export function sameSerial(a: string, b: string): boolean {
  const strip = (s: string) => s.replace(/^0+(?=.)/, '')
  return strip(a) === strip(b)
}

/** `PUB_KEY_ID_` + digits, the WeChat Pay public-key mode's key ID. */
export function isPublicKeyId(value: string): boolean {
  return /^PUB_KEY_ID_[0-9A-Za-z]+$/.test(value)
}
