// The simulator's own implementation of WeChat Pay's cryptography, written against the protocol
// notes rather than reusing @loopkit/wechat, so the adapter is checked by independent code.
import {
  createCipheriv,
  createHash,
  generateKeyPair,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto'
import { promisify } from 'node:util'

const generate = promisify(generateKeyPair)

export interface RsaKeyPair {
  privateKey: KeyObject
  publicKey: KeyObject
  /** PEM SPKI. */
  publicKeyPem: string
  /** PEM PKCS#8. */
  privateKeyPem: string
}

export async function generateRsaKeyPair(): Promise<RsaKeyPair> {
  const { privateKey, publicKey } = await generate('rsa', { modulusLength: 2048 })
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  }
}

/** A 40-hex-digit uppercase serial, the shape of WeChat certificate serials. */
export function randomSerial(): string {
  return randomBytes(20).toString('hex').toUpperCase()
}

/** `PUB_KEY_ID_` + 32 digits, the shape of WeChat Pay public-key IDs. */
export function randomPublicKeyId(): string {
  const digits = Array.from(randomBytes(32), (b) => String(b % 10)).join('')
  return `PUB_KEY_ID_01${digits.slice(0, 30)}`
}

/** `o` + 27 characters of `[A-Za-z0-9_-]`: the 28-character shape of real openids. */
export function randomOpenid(): string {
  return `o${randomBytes(21).toString('base64url').slice(0, 27)}`
}

export function randomAlnum(length: number): string {
  return createHash('sha256').update(randomBytes(32)).digest('hex').slice(0, length).toUpperCase()
}

export function rsaSign(message: Buffer | string, key: KeyObject): string {
  return sign('sha256', typeof message === 'string' ? Buffer.from(message) : message, key).toString('base64')
}

export function rsaVerify(message: Buffer, key: KeyObject, signature: string): boolean {
  try {
    return verify('sha256', message, key, Buffer.from(signature, 'base64'))
  } catch {
    return false
  }
}

/** AEAD_AES_256_GCM with the APIv3 key; ciphertext = Base64(ciphertext ‖ tag). */
export function encrypt(apiV3Key: string, plaintext: string, associatedData: string) {
  const nonce = randomAlnum(12)
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'))
  cipher.setAAD(Buffer.from(associatedData, 'utf8'))
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()])
  return {
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: data.toString('base64'),
    associated_data: associatedData,
    nonce,
  }
}

/** The five `Wechatpay-*` headers (and `Request-ID`) that sign a body with a platform key. */
export function wechatpayHeaders(input: {
  body: Uint8Array | string
  key: KeyObject
  serial: string
  nowMs: number
  requestId: string
}) {
  const timestamp = String(Math.floor(input.nowMs / 1000))
  const nonce = randomAlnum(32)
  const body = typeof input.body === 'string' ? Buffer.from(input.body) : Buffer.from(input.body)
  const signature = rsaSign(
    Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`), body, Buffer.from('\n')]),
    input.key,
  )
  return {
    'Request-ID': input.requestId,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Serial': input.serial,
    'Wechatpay-Signature': signature,
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
  }
}
