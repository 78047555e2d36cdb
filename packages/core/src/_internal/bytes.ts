// Byte encodings on Web APIs alone (no `Buffer`), so core runs in Workers, Deno, Bun and browsers.

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const B64URL_INDEX = new Map([...B64URL].map((c, i) => [c, i]))
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text)
}

/** A string from UTF-8 bytes (malformed sequences become U+FFFD, as `Buffer#toString` does). */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) out += HEX[b]
  return out
}

/** Unpadded base64url of `bytes` (RFC 4648 §5), what `Buffer#toString('base64url')` gives. */
export function toBase64Url(bytes: Uint8Array): string {
  let out = ''
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]! + B64URL[n & 63]!
  }
  const rest = bytes.length - i
  if (rest === 1) {
    const n = bytes[i]! << 16
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]!
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8)
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]!
  }
  return out
}

/**
 * Bytes of unpadded base64url text. Like `Buffer.from(text, 'base64url')` it is lenient: characters
 * outside the alphabet are skipped and a trailing partial byte is dropped, so callers validate the
 * shape first (they all match a regex before decoding).
 */
export function fromBase64Url(text: string): Uint8Array {
  const out: number[] = []
  let acc = 0
  let bits = 0
  for (const c of text) {
    const v = B64URL_INDEX.get(c)
    if (v === undefined) continue
    acc = ((acc << 6) | v) & 0xffffff
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out.push((acc >> bits) & 0xff)
    }
  }
  return Uint8Array.from(out)
}
