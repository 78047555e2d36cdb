import { createCipheriv, createDecipheriv, createSecretKey, KeyObject, randomBytes } from 'node:crypto'
import { wechatError } from '../_internal/errors.js'

/** The encrypted `resource` of a WeChat Pay callback. */
export interface EncryptedResource {
  algorithm: string
  /** Base64 of ciphertext ‖ 16-byte GCM tag. */
  ciphertext: string
  /** 12 characters, used as UTF-8 bytes. */
  nonce: string
  /** May be absent or empty. */
  associated_data?: string
  original_type?: string
}

const TAG_BYTES = 16

/**
 * The APIv3 key as an AES-256 key. It must be exactly 32 bytes of UTF-8; anything else is a
 * `LoopError('configuration')` (the message never shows the key).
 *
 * @example
 * ```ts
 * const key = apiV3SecretKey(process.env.WECHAT_APIV3_KEY!)
 * ```
 */
export function apiV3SecretKey(apiV3Key: string | Uint8Array | KeyObject): KeyObject {
  if (apiV3Key instanceof KeyObject) {
    if (apiV3Key.type !== 'secret' || apiV3Key.symmetricKeySize !== 32)
      throw apiV3KeyLengthError(apiV3Key.symmetricKeySize ?? 0)
    return apiV3Key
  }
  const bytes = typeof apiV3Key === 'string' ? Buffer.from(apiV3Key, 'utf8') : Buffer.from(apiV3Key)
  if (bytes.length !== 32) throw apiV3KeyLengthError(bytes.length)
  return createSecretKey(bytes)
}

function apiV3KeyLengthError(length: number) {
  return wechatError(
    'configuration',
    `\`apiV3Key\` must be exactly 32 bytes (UTF-8), got ${length}: AEAD_AES_256_GCM needs a 256-bit key.`,
  )
}

/**
 * Decrypts an AEAD_AES_256_GCM resource of a callback (or a `/v3/certificates` entry) with the APIv3
 * key: the last 16 bytes of the Base64-decoded ciphertext are the tag, `associated_data` may be empty.
 * A wrong key or any tampering is `LoopError('signature_invalid')`.
 *
 * @example
 * ```ts
 * const json = decryptResource({ apiV3Key, resource: body.resource })
 * ```
 */
export function decryptResource(input: {
  apiV3Key: string | Uint8Array | KeyObject
  resource: EncryptedResource
}): string {
  const key = apiV3SecretKey(input.apiV3Key)
  const { resource } = input
  if (resource.algorithm !== 'AEAD_AES_256_GCM') {
    throw wechatError('signature_invalid', 'Unsupported resource algorithm (expected AEAD_AES_256_GCM).')
  }
  const nonce = Buffer.from(String(resource.nonce ?? ''), 'utf8')
  const data = Buffer.from(String(resource.ciphertext ?? ''), 'base64')
  if (nonce.length !== 12 || data.length < TAG_BYTES) {
    throw wechatError(
      'signature_invalid',
      'Malformed encrypted resource (nonce must be 12 bytes, ciphertext at least the 16-byte tag).',
    )
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES })
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES))
    decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'))
    return Buffer.concat([
      decipher.update(data.subarray(0, data.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8')
  } catch (e) {
    throw wechatError(
      'signature_invalid',
      'Could not decrypt the callback resource: wrong APIv3 key or tampered ciphertext.',
      { cause: e },
    )
  }
}

/**
 * Encrypts a resource the way WeChat Pay does (the inverse of {@link decryptResource}); for tests and
 * simulators.
 *
 * @example
 * ```ts
 * const resource = encryptResource({ apiV3Key, plaintext: JSON.stringify(transaction), associatedData: 'transaction' })
 * ```
 */
export function encryptResource(input: {
  apiV3Key: string | Uint8Array | KeyObject
  plaintext: string
  associatedData?: string
  nonce?: string
  originalType?: string
}): Required<EncryptedResource> {
  const key = apiV3SecretKey(input.apiV3Key)
  const nonce = input.nonce ?? randomBytes(9).toString('base64url')
  const aad = input.associatedData ?? ''
  const cipher = createCipheriv('aes-256-gcm', key, Buffer.from(nonce, 'utf8'), { authTagLength: TAG_BYTES })
  cipher.setAAD(Buffer.from(aad, 'utf8'))
  const body = Buffer.concat([cipher.update(input.plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()])
  return {
    original_type: input.originalType ?? aad,
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: body.toString('base64'),
    associated_data: aad,
    nonce,
  }
}
