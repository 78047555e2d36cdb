import { randomBase62 } from '../_internal/ids.js'
import { mac, safeEqual } from '../_internal/sign.js'

/** The cookie that ties a login's `state` to the browser that started it (RFC 6749 §10.12). */
export const LOGIN_BINDING_COOKIE = 'lk_login'

const VALUE = /^[0-9A-Za-z]{32}$/

/**
 * The browser's binding value: the one it already holds (so two tabs logging in at once do not
 * undo each other), else a new random one (32 base62 characters, ~190 bits).
 */
export function bindingValue(existing: string | undefined): { value: string; fresh: boolean } {
  if (existing && VALUE.test(existing)) return { value: existing, fresh: false }
  return { value: randomBase62(32), fresh: true }
}

/**
 * What the login state stores: a MAC of the value, never the value itself, so a read of the storage
 * cache does not let anyone complete a login started in somebody else's browser.
 */
export function bindingDigest(key: string, value: string): string {
  return mac(key, `login-binding:${value}`, 32)
}

/** True when the browser's cookie value matches the digest stored with the state. */
export function bindingMatches(key: string, digest: string | null, cookie: string | undefined): boolean {
  if (!digest || !cookie || !VALUE.test(cookie)) return false
  return safeEqual(digest, bindingDigest(key, cookie))
}
