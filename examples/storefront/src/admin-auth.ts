import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'

/** The user name the admin's HTTP basic auth asks for (scripts; people use the password form). */
export const ADMIN_USER = 'admin'

/** The admin session cookie: HttpOnly, SameSite=Strict, 12 hours. */
export const ADMIN_COOKIE = 'sf_admin'
export const ADMIN_SESSION_MS = 12 * 3_600_000

/**
 * A password for the admin page when none is configured: 16 random bytes, base64url (22 characters),
 * printed once at start.
 */
export function generateAdminPassword(): string {
  return randomBytes(16).toString('base64url')
}

const digest = (text: string) => createHash('sha256').update(text).digest()

/**
 * Compares two secrets in constant time whatever their lengths: both are hashed first, so neither
 * the length nor a common prefix leaks through timing.
 */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected))
}

/** Whether `Authorization: Basic …` names the admin with the right password (for curl and scripts). */
export function basicAuthOk(authorization: string | undefined | null, password: string): boolean {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(authorization?.trim() ?? '')
  if (!match) return false
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return false
  const userOk = sameSecret(decoded.slice(0, colon), ADMIN_USER)
  const passwordOk = sameSecret(decoded.slice(colon + 1), password)
  return userOk && passwordOk
}

const sign = (password: string, expires: number) =>
  createHmac('sha256', password).update(`storefront-admin:${expires}`).digest('base64url')

/** A session value for the admin cookie: its expiry and a MAC keyed by the password (a new password logs everyone out). */
export function adminSession(password: string, now = Date.now()): string {
  const expires = now + ADMIN_SESSION_MS
  return `${expires}.${sign(password, expires)}`
}

/** Whether an admin cookie value is genuine and unexpired. */
export function adminSessionOk(value: string | undefined, password: string, now = Date.now()): boolean {
  const match = /^(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '')
  if (!match) return false
  const expires = Number(match[1])
  return sameSecret(match[2]!, sign(password, expires)) && expires > now
}

/** Whether the request comes from the shop's owner: the admin cookie, or basic auth from a script. */
export function isAdminRequest(deps: { adminPassword: string }, c: Context): boolean {
  return (
    adminSessionOk(getCookie(c, ADMIN_COOKIE), deps.adminPassword) ||
    basicAuthOk(c.req.header('authorization'), deps.adminPassword)
  )
}
