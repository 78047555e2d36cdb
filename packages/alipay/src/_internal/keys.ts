import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto'
import { alipayError } from './errors.js'

const PEM = /-----BEGIN ([A-Z0-9 ]+)-----/

/** Env vars often carry PEM with literal `\n`; keys copied from Alipay's key tool have no armor. */
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
 * Reads the application private key: PEM PKCS#8 or PKCS#1, or the bare Base64 body that Alipay's key
 * tool prints (PKCS#8 or PKCS#1). Throws `LoopError('configuration')` naming the problem, never the key.
 */
export function readPrivateKey(input: string | KeyObject, option: string): KeyObject {
  if (typeof input !== 'string') {
    if (input.type !== 'private') throw alipayError('configuration', `\`${option}\` must be a private key.`)
    return input
  }
  const text = unescapeNewlines(input).trim()
  const label = PEM.exec(text)?.[1]
  if (label && !label.includes('PRIVATE')) {
    throw alipayError(
      'configuration',
      `\`${option}\` holds a ${label.toLowerCase()}, not a private key: use the application private key (应用私钥).`,
    )
  }
  let key: KeyObject | null = null
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
  } catch {
    key = null
  }
  if (!key) {
    throw alipayError(
      'configuration',
      `Could not read \`${option}\`: expected a PEM private key (PKCS#8 or PKCS#1) or the Base64 key Alipay's key tool prints.`,
    )
  }
  if (key.asymmetricKeyType !== 'rsa')
    throw alipayError(
      'configuration',
      `\`${option}\` must be an RSA key (RSA2), got ${key.asymmetricKeyType}.`,
    )
  return key
}

/**
 * Reads the Alipay public key (支付宝公钥): PEM `PUBLIC KEY`, the bare Base64 body, or a certificate
 * (`alipayCertPublicKey_RSA2.crt`), whose key is used.
 */
export function readPublicKey(input: string | KeyObject, option: string): KeyObject {
  if (typeof input !== 'string') {
    if (input.type !== 'public') throw alipayError('configuration', `\`${option}\` must be a public key.`)
    return input
  }
  const text = unescapeNewlines(input).trim()
  const label = PEM.exec(text)?.[1]
  if (label?.includes('PRIVATE'))
    throw alipayError('configuration', `\`${option}\` holds a private key; it needs Alipay's public key.`)
  try {
    if (label === 'CERTIFICATE') return new X509Certificate(text).publicKey
    if (label) return createPublicKey(text)
    return createPublicKey({ key: derBody(text) ?? Buffer.alloc(0), format: 'der', type: 'spki' })
  } catch (e) {
    throw alipayError(
      'configuration',
      `Could not read \`${option}\`: expected a PEM public key, its Base64 body, or a PEM certificate.`,
      { cause: e },
    )
  }
}
