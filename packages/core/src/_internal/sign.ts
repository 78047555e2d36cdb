import { toBase64Url, toHex } from './bytes.js'
import { hmacSha256 } from './hmac.js'

/** base64url HMAC-SHA256 of `message`, cut to `length` characters. */
export function mac(secret: string, message: string, length: number): string {
  return toBase64Url(hmacSha256(secret, message)).slice(0, length)
}

/** Lower-case hex HMAC-SHA256 of the concatenated `parts`. */
export function macHex(secret: string, ...parts: (string | Uint8Array)[]): string {
  return toHex(hmacSha256(secret, ...parts))
}

/**
 * Constant-time string comparison (false for different lengths): the time depends on the length
 * only, never on where the first difference is.
 */
export function safeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

/** Derives an independent key for one purpose from the loop secret. */
export function deriveKey(secret: string, purpose: string): string {
  return toBase64Url(hmacSha256(secret, `loopkit:${purpose}`))
}
