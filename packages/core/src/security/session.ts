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

export function parseCookies(header: string | null): Record<string, string> {
  const out: Record<string, string> = {}
  if (!header) return out
  for (const part of header.split(';')) {
    const i = part.indexOf('=')
    if (i < 0) continue
    const name = part.slice(0, i).trim()
    if (name && !(name in out)) out[name] = decodeURIComponent(part.slice(i + 1).trim())
  }
  return out
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
