import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../_internal/bytes.js'
import { randomBase62 } from '../_internal/ids.js'
import { mac, safeEqual } from '../_internal/sign.js'
import type { IdentityAdapter } from '../contracts/identity.js'
import type { IdentityProfile } from '../domain/customer.js'
import { loopError } from '../errors.js'
import { sandboxLoginRoutes, validSandboxName } from './sandbox-login-page.js'

/** Options of {@link sandboxIdentity}. */
export interface SandboxIdentityOptions {
  secret?: string
  /** How long a code is valid. Default 5 minutes, like WeChat. */
  codeTtlMs?: number
  now?: () => number
}

/**
 * A development login: a page where you type any name (`Anne O'Brien`, `小丽🦆`). Codes are signed,
 * expire, and work once, like a real provider's, so the loop's login flow is exercised for real.
 *
 * @example
 * ```ts
 * const id = sandboxIdentity()
 * const loop = createLoop({ secret, baseUrl, storage: memoryStorage(), identity: [id] })
 * // in a browser: GET /loop/login/sandbox?returnTo=/  → type a name → logged in
 * const code = id.codeFor('alice') // in tests: what the login page would mint
 * ```
 */
export function sandboxIdentity(options: SandboxIdentityOptions = {}) {
  const secret = options.secret ?? randomBase62(32)
  const ttl = options.codeTtlMs ?? 5 * 60_000
  const now = options.now ?? Date.now
  const used = new Set<string>()
  // The origins of the callbacks this adapter sent buyers to (the loop's baseUrl). A proxy or a
  // Node server may hand the loop another Host than the browser used, so the request's own origin
  // alone would refuse genuine logins (issue #14).
  const callbackOrigins = new Set<string>()

  function codeFor(name: string): string {
    if (!validSandboxName(name))
      throw loopError('sandbox', 'invalid_input', 'A sandbox name is 1–32 characters, without line breaks.')
    const body = `${toBase64Url(utf8(name))}.${now() + ttl}.${randomBase62(8)}`
    return `${body}.${mac(secret, body, 22)}`
  }

  return {
    id: 'sandbox',
    async authorizeUrl(input: { state: string; redirectUri: string }) {
      callbackOrigins.add(new URL(input.redirectUri).origin)
      const page = new URL(input.redirectUri.replace(/\/login\/sandbox\/callback$/, '/sandbox/login'))
      page.searchParams.set('state', input.state)
      page.searchParams.set('redirect_uri', input.redirectUri)
      return page.href
    },
    async exchangeCode(input: { code: string }): Promise<IdentityProfile> {
      const m = /^([A-Za-z0-9_-]+)\.(\d+)\.([0-9A-Za-z]{8})\.([A-Za-z0-9_-]{22})$/.exec(input.code)
      const body = m ? `${m[1]}.${m[2]}.${m[3]}` : ''
      if (!m || !safeEqual(m[4]!, mac(secret, body, 22)))
        throw loopError('sandbox', 'unauthorized', 'Invalid login code.')
      if (Number(m[2]) < now()) throw loopError('sandbox', 'unauthorized', 'The login code expired.')
      if (used.has(body)) throw loopError('sandbox', 'unauthorized', 'The login code was already used.')
      used.add(body)
      const name = fromUtf8(fromBase64Url(m[1]!))
      return { provider: 'sandbox', subject: name.toLowerCase(), displayName: name }
    },
    routes: sandboxLoginRoutes(codeFor, callbackOrigins),
    /** A fresh code for `name`, as the login page would mint (for tests and scripts). */
    codeFor,
  } satisfies IdentityAdapter & { codeFor: (name: string) => string }
}

/** The adapter {@link sandboxIdentity} returns: an `IdentityAdapter` plus `codeFor(name)` for tests. */
export type SandboxIdentity = ReturnType<typeof sandboxIdentity>
