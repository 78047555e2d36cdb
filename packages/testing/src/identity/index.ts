import { type IdentityAdapter, isLoopError, type LoopErrorCode } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { useHarness } from '../_internal/harness.js'

/** What one test of {@link testIdentityAdapter} works with. */
export interface IdentityHarness {
  adapter: IdentityAdapter
  /**
   * A fresh code for one and the same test person, as the provider's redirect (or the
   * mini-program's `wx.login()`) would hand it over.
   */
  obtainCode(): Promise<string>
  /** The callback URL for `authorizeUrl`; omit for adapters without a redirect step (mini-programs). */
  redirectUri?: string
}

/** Options of {@link testIdentityAdapter}. */
export interface TestIdentityAdapterOptions {
  /** Shown in the `describe` title. */
  name: string
  /** Called before every test. */
  setup: () => Promise<IdentityHarness>
  /** Called after every test. */
  teardown?: () => Promise<void>
}

const PROFILE_KEYS = new Set(['provider', 'subject', 'unionId', 'displayName', 'avatarUrl', 'snapshot'])

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (e: unknown) => e,
  )
}

function expectCode(error: unknown, code: LoopErrorCode): void {
  expect(error, `expected a LoopError \`${code}\`, but the call succeeded`).not.toBeNull()
  expect(isLoopError(error), `expected a LoopError \`${code}\`, got ${String(error)}`).toBe(true)
  expect((error as { code: string }).code).toBe(code)
}

/**
 * The contract every `IdentityAdapter` meets: codes are single-use, an unknown code is
 * `unauthorized`, the same person always gets the same subject, and the profile carries nothing
 * but profile fields (no access tokens, no session keys).
 *
 * @example
 * ```ts
 * testIdentityAdapter({
 *   name: 'my-provider',
 *   setup: async () => ({ adapter: myLogin(), redirectUri: 'https://shop.example/cb', obtainCode: () => fakeProvider.code('alice') }),
 * })
 * ```
 */
export function testIdentityAdapter(options: TestIdentityAdapterOptions): void {
  describe(`identity adapter contract: ${options.name}`, () => {
    const h = useHarness<IdentityHarness>(options)

    it('has an id usable as a route segment', () => {
      expect(h().adapter.id).toMatch(/^[a-z0-9][a-z0-9_-]*$/i)
    })

    it('builds an absolute authorize URL that carries the state unchanged', async (ctx) => {
      const { redirectUri } = h()
      if (!redirectUri) return ctx.skip('no redirect step (the harness has no redirectUri)')
      const state = 'Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z'
      const url = new URL(await h().adapter.authorizeUrl({ state, redirectUri }))
      expect(url.protocol).toMatch(/^https?:$/)
      expect(url.searchParams.get('state')).toBe(state)
    })

    it('exchanges a fresh code for a profile of this provider', async () => {
      const profile = await h().adapter.exchangeCode({
        code: await h().obtainCode(),
        ...(h().redirectUri ? { redirectUri: h().redirectUri! } : {}),
      })
      expect(profile.provider).toBe(h().adapter.id)
      expect(typeof profile.subject).toBe('string')
      expect(profile.subject.length).toBeGreaterThan(0)
    })

    it('returns the same subject for the same person on every login', async () => {
      const first = await h().adapter.exchangeCode({ code: await h().obtainCode() })
      const second = await h().adapter.exchangeCode({ code: await h().obtainCode() })
      expect(second.subject).toBe(first.subject)
      expect(second.unionId).toBe(first.unionId)
    })

    it('refuses a code used a second time with unauthorized', async () => {
      const code = await h().obtainCode()
      await h().adapter.exchangeCode({ code })
      expectCode(await rejection(h().adapter.exchangeCode({ code })), 'unauthorized')
    })

    it('refuses an unknown code with unauthorized', async () => {
      expectCode(await rejection(h().adapter.exchangeCode({ code: 'not-a-code-0123456789' })), 'unauthorized')
      expectCode(await rejection(h().adapter.exchangeCode({ code: '' })), 'unauthorized')
    })

    it('returns only profile fields, never tokens or keys', async () => {
      const profile = await h().adapter.exchangeCode({ code: await h().obtainCode() })
      for (const key of Object.keys(profile))
        expect(PROFILE_KEYS.has(key), `unexpected profile field \`${key}\``).toBe(true)
    })
  })
}
