import { createHmac } from 'node:crypto'
import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'
import { ADMIN_COOKIE, isAdminRequest, sameSecret } from './admin-auth.js'

/** The hidden form field every admin POST form carries. */
export const CSRF_FIELD = '_csrf'

/**
 * The admin's CSRF token: a MAC keyed by the admin password over the admin session cookie (or over
 * `basic` for a script on basic auth), so it changes with every login, dies with the session, and
 * cannot be computed without the password. Forms carry it in {@link CSRF_FIELD}.
 */
export function csrfToken(deps: { adminPassword: string }, c: Context): string {
  const session = getCookie(c, ADMIN_COOKIE) ?? 'basic'
  return createHmac('sha256', deps.adminPassword).update(`storefront-csrf:${session}`).digest('base64url')
}

/**
 * Whether a state-changing admin request comes from the admin's own page: the admin's credentials,
 * the request not sent by another site (`Origin` must be the shop's when a browser sends one, and
 * `Sec-Fetch-Site` must not be `cross-site` or `same-site`), and the form's token matching this
 * session's. A cross-site form riding on the browser's cached basic-auth credentials fails the last
 * two; a leaked token is useless without the session it was made for.
 */
export function adminPostOk(
  deps: { adminPassword: string; origin: string },
  c: Context,
  form: Record<string, unknown>,
): boolean {
  if (!isAdminRequest(deps, c)) return false
  const origin = c.req.header('origin')
  if (origin !== undefined && origin !== deps.origin) return false
  const site = c.req.header('sec-fetch-site')
  if (site === 'cross-site' || site === 'same-site') return false
  const given = form[CSRF_FIELD]
  return typeof given === 'string' && sameSecret(given, csrfToken(deps, c))
}
