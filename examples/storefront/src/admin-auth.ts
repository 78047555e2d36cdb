import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** The user name the admin's HTTP basic auth asks for. */
export const ADMIN_USER = 'admin'

/**
 * A password for the admin page when none is configured: 16 random bytes, base64url (22 characters),
 * printed once at start.
 */
export function generateAdminPassword(): string {
  return randomBytes(16).toString('base64url')
}

const digest = (text: string) => createHash('sha256').update(text).digest()

/**
 * Whether a request's `Authorization: Basic …` names the admin with the right password. Both sides
 * are hashed first, so the comparison is constant-time whatever the lengths, and nothing about the
 * password leaks through timing.
 */
export function isAdmin(authorization: string | undefined | null, password: string): boolean {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(authorization?.trim() ?? '')
  if (!match) return false
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return false
  const userOk = timingSafeEqual(digest(decoded.slice(0, colon)), digest(ADMIN_USER))
  const passwordOk = timingSafeEqual(digest(decoded.slice(colon + 1)), digest(password))
  return userOk && passwordOk
}
