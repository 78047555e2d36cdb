import { randomBase62 } from '../_internal/ids.js'
import type { Runtime } from '../loop/runtime.js'
import { LOGIN_BINDING_COOKIE } from '../security/login-binding.js'
import {
  openSession,
  parseCookies,
  SESSION_COOKIE,
  sealSession,
  serializeCookie,
  VISITOR_COOKIE,
} from '../security/session.js'

/** The customer of a request: the host app's resolver if configured, else the signed cookie. */
export async function sessionCustomer(rt: Runtime, request: Request): Promise<string | null> {
  const resolve = rt.options.session?.resolve
  if (resolve) return (await resolve(request)) ?? null
  const value = parseCookies(request.headers.get('cookie'))[SESSION_COOKIE]
  return value ? openSession(rt.keys.session, value, rt.now()) : null
}

export function sessionCookie(rt: Runtime, customerId: string): string {
  const value = sealSession(rt.keys.session, customerId, rt.now() + rt.config.sessionMaxAgeMs)
  return serializeCookie(SESSION_COOKIE, value, {
    maxAgeSeconds: Math.floor(rt.config.sessionMaxAgeMs / 1000),
    secure: rt.config.secureCookies,
    path: '/',
  })
}

export function clearSessionCookie(rt: Runtime): string {
  return serializeCookie(SESSION_COOKIE, '', { maxAgeSeconds: 0, secure: rt.config.secureCookies, path: '/' })
}

/** The browser's visitor key (for share attribution before login), minting one if absent. */
export function visitorKey(rt: Runtime, request: Request): { key: string; setCookie: string | null } {
  const existing = parseCookies(request.headers.get('cookie'))[VISITOR_COOKIE]
  if (existing && /^[0-9A-Za-z]{22}$/.test(existing)) return { key: existing, setCookie: null }
  const key = randomBase62(22)
  return {
    key,
    setCookie: serializeCookie(VISITOR_COOKIE, key, {
      maxAgeSeconds: 365 * 24 * 3600,
      secure: rt.config.secureCookies,
      path: '/',
    }),
  }
}

const LOGIN_BINDING_MAX_AGE_S = 10 * 60

/** The value of the browser's login binding cookie, if it sent one. */
export function loginBindingCookieValue(request: Request): string | undefined {
  return parseCookies(request.headers.get('cookie'))[LOGIN_BINDING_COOKIE]
}

/**
 * The login binding cookie: as long-lived as a login state, HttpOnly, SameSite=Lax (it must ride
 * along the provider's top-level redirect back), and sent only to the loop's login routes.
 */
export function loginBindingCookie(rt: Runtime, value: string): string {
  return serializeCookie(LOGIN_BINDING_COOKIE, value, {
    maxAgeSeconds: LOGIN_BINDING_MAX_AGE_S,
    secure: rt.config.secureCookies,
    path: `${rt.basePath}/login`,
  })
}
