import { randomBytes } from 'node:crypto'

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/**
 * A 32-character `[0-9A-Za-z]` nonce, the length the official SDKs use for `nonce_str` and
 * `nonceStr` (rejection sampling keeps it uniform).
 */
export function randomNonce(length = 32): string {
  let out = ''
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248 && out.length < length) out += ALPHABET[b % 62]
    }
  }
  return out
}

/** Unix seconds from a millisecond clock: WeChat wants seconds, and milliseconds are a classic 401. */
export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000)
}
