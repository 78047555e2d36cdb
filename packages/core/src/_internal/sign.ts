import { createHmac, timingSafeEqual } from 'node:crypto'

/** base64url HMAC-SHA256 of `message`, cut to `length` characters. */
export function mac(secret: string, message: string, length: number): string {
  return createHmac('sha256', secret).update(message).digest('base64url').slice(0, length)
}

/** Constant-time string comparison (false for different lengths). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a)
  const bb = Buffer.from(b)
  return ab.length === bb.length && timingSafeEqual(ab, bb)
}

/** Derives an independent key for one purpose from the loop secret. */
export function deriveKey(secret: string, purpose: string): string {
  return createHmac('sha256', secret).update(`loopkit:${purpose}`).digest('base64url')
}
