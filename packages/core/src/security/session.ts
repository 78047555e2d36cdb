import { mac, safeEqual } from '../_internal/sign.js'

export const SESSION_COOKIE = 'lk_session'
export const VISITOR_COOKIE = 'lk_visitor'

/** `customerId.expiresAt.mac`: a stateless session value for the default cookie. */
export function sealSession(key: string, customerId: string, expiresAt: number): string {
  const body = `${customerId}.${expiresAt}`
  return `${body}.${mac(key, `session:${body}`, 32)}`
}

/** The customer id of a genuine, unexpired session value, or null. */
export function openSession(key: string, value: string, now: number): string | null {
  const m = /^([A-Za-z0-9_]+)\.(\d+)\.([A-Za-z0-9_-]+)$/.exec(value)
  if (!m) return null
  const body = `${m[1]}.${m[2]}`
  if (!safeEqual(m[3]!, mac(key, `session:${body}`, 32))) return null
  return Number(m[2]) > now ? m[1]! : null
}

/**
 * The cookies of a `Cookie` header. The host's own cookies share the header, so a value that is not
 * valid percent-encoding (`theme=50%`) is kept as it is rather than failing the request; the first of
 * two cookies with one name wins, as browsers send the most specific path first. The same reading as
 * the `cookie` package's `parse` (pairs split at `;` then the first `=`, spaces and tabs trimmed),
 * which core no longer depends on: it ships as CommonJS, so bundlers kept all of it (1.4 KB gzip).
 */
export function parseCookies(header: string | null): Record<string, string> {
  // No prototype: a cookie named `__proto__` or `constructor` is just a name.
  const out: Record<string, string> = Object.create(null)
  for (const pair of header?.split(';') ?? []) {
    const eq = pair.indexOf('=')
    if (eq < 0) continue
    const name = trim(pair.slice(0, eq))
    if (!name || name in out) continue
    const value = trim(pair.slice(eq + 1))
    out[name] = value.includes('%') ? decodeOr(value) : value
  }
  return out
}

const trim = (s: string) => s.replace(/^[ \t]+|[ \t]+$/g, '')

function decodeOr(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

export function serializeCookie(
  name: string,
  value: string,
  options: { maxAgeSeconds: number; secure: boolean; path: string },
): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${options.path}`,
    `Max-Age=${options.maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(options.secure ? ['Secure'] : []),
  ].join('; ')
}
