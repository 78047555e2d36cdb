import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { utf8 } from './bytes.js'

// HMAC-SHA256 stays synchronous (sessions, share tokens and login states are checked in
// synchronous code), so Web Crypto's async `subtle.sign` does not fit: @noble/hashes is audited,
// dependency-free and ~4 KB min+gzip for hmac+sha256. A loop uses a handful of keys, so the keyed
// inner/outer state is computed once per key and cloned per message: that halves the hashing of
// the short messages we sign (two compression blocks instead of four).

type Keyed = ReturnType<typeof hmac.create>
const keyed = new Map<string, Keyed>()
const MAX_KEYS = 64

function forKey(key: string): Keyed {
  let h = keyed.get(key)
  if (!h) {
    // A runaway caller (a key per request) must not grow the cache without bound.
    if (keyed.size >= MAX_KEYS) keyed.clear()
    h = hmac.create(sha256, utf8(key))
    keyed.set(key, h)
  }
  return h
}

/**
 * HMAC-SHA256 of the concatenated `parts` (strings are UTF-8) under `key`, as raw bytes. Same
 * bytes as `createHmac('sha256', key).update(a).update(b).digest()`.
 */
export function hmacSha256(key: string, ...parts: (string | Uint8Array)[]): Uint8Array {
  const h = forKey(key).clone()
  for (const p of parts) h.update(typeof p === 'string' ? utf8(p) : p)
  return h.digest()
}
