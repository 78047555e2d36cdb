import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/** PKCS#7 with a 32-byte block, as WeChat's technical plan says ("K 为秘钥字节数（采用 32）"). */
const BLOCK = 32

/** Why a safe-mode payload was refused (WeChat's sample codes, for logs). */
export type SafeModeFailure = 'illegal_aes_key' | 'decrypt_failed' | 'illegal_buffer' | 'appid_mismatch'

/** What {@link decryptMessage} returns: the message, or why it was refused. */
export type DecryptResult =
  | { ok: true; message: string; random: Buffer; appid: string }
  | { ok: false; reason: SafeModeFailure }

/**
 * The AES key of an `EncodingAESKey`: base64 of the 43 characters plus `=`, 32 bytes. The 43rd
 * character has two unused bits that real keys often set, so the decoder must be lenient
 * (Node's is) and keys are never compared by re-encoding. Null when the key is not 43 base64
 * characters.
 *
 * @example
 * ```ts
 * aesKeyOf('A'.repeat(43)) // 32 zero bytes
 * ```
 */
export function aesKeyOf(encodingAesKey: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) return null
  const key = Buffer.from(`${encodingAesKey}=`, 'base64')
  return key.length === 32 ? key : null
}

/**
 * Encrypts a message for safe mode: `random(16) ‖ uint32_be(len) ‖ msg ‖ appid`, padded to 32
 * bytes, AES-256-CBC with IV = the key's first 16 bytes, base64. `random` is fixed only by tests
 * reproducing published vectors.
 *
 * @example
 * ```ts
 * const encrypt = encryptMessage({ key: aesKeyOf(encodingAesKey)!, appid, message: replyXml })
 * ```
 */
export function encryptMessage(input: {
  key: Buffer
  appid: string
  message: string
  random?: Buffer
}): string {
  const msg = Buffer.from(input.message, 'utf8')
  const length = Buffer.alloc(4)
  length.writeUInt32BE(msg.length)
  const full = Buffer.concat([input.random ?? randomBytes(16), length, msg, Buffer.from(input.appid, 'utf8')])
  const n = BLOCK - (full.length % BLOCK)
  const padded = Buffer.concat([full, Buffer.alloc(n, n)])
  const cipher = createCipheriv('aes-256-cbc', input.key, input.key.subarray(0, 16))
  cipher.setAutoPadding(false)
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64')
}

/**
 * Decrypts a safe-mode `Encrypt` value and checks it was meant for `appid`. Strict: the padding
 * must be 1–32 identical bytes and the length field must fit (WeChat's own samples are lenient;
 * everything WeChat sends passes the strict checks).
 *
 * @example
 * ```ts
 * const result = decryptMessage({ key, appid, encrypt })
 * if (!result.ok) return refuse(result.reason)
 * ```
 */
export function decryptMessage(input: { key: Buffer; appid: string; encrypt: string }): DecryptResult {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(input.encrypt)) return { ok: false, reason: 'illegal_buffer' }
  const data = Buffer.from(input.encrypt, 'base64')
  if (data.length === 0 || data.length % BLOCK !== 0) return { ok: false, reason: 'illegal_buffer' }
  let plain: Buffer
  try {
    const decipher = createDecipheriv('aes-256-cbc', input.key, input.key.subarray(0, 16))
    decipher.setAutoPadding(false)
    plain = Buffer.concat([decipher.update(data), decipher.final()])
  } catch {
    return { ok: false, reason: 'decrypt_failed' }
  }
  const pad = plain[plain.length - 1] ?? 0
  if (pad < 1 || pad > BLOCK) return { ok: false, reason: 'illegal_buffer' }
  for (let i = plain.length - pad; i < plain.length; i++)
    if (plain[i] !== pad) return { ok: false, reason: 'illegal_buffer' }
  const full = plain.subarray(0, plain.length - pad)
  if (full.length < 20) return { ok: false, reason: 'illegal_buffer' }
  const length = full.readUInt32BE(16)
  if (20 + length > full.length) return { ok: false, reason: 'illegal_buffer' }
  const appid = full.subarray(20 + length).toString('utf8')
  if (appid !== input.appid) return { ok: false, reason: 'appid_mismatch' }
  return {
    ok: true,
    message: full.subarray(20, 20 + length).toString('utf8'),
    random: Buffer.from(full.subarray(0, 16)),
    appid,
  }
}
