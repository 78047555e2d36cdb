import type { IdentityProfile } from '../domain/customer.js'
import type { LoopRoute } from './plugin.js'

/**
 * A way to log in. The loop signs and stores the `state`; the adapter only builds the provider's
 * URL and exchanges the code it returns.
 *
 * Prove an implementation with `testIdentityAdapter()` from `@loopkit/testing`.
 */
export interface IdentityAdapter {
  readonly id: string
  /** The provider's authorize URL; `state` must be passed through unchanged. */
  authorizeUrl(input: { state: string; redirectUri: string; scope?: string }): Promise<string>
  /**
   * Exchanges a code (from the redirect, or from a mini-program's `wx.login`) for the identity.
   * A used, expired or unknown code throws `LoopError('unauthorized')`.
   */
  exchangeCode(input: { code: string; redirectUri?: string }): Promise<IdentityProfile>
  /** Routes the adapter serves under the loop's base path (the sandbox's pay and login pages). */
  routes?: LoopRoute[]
}
