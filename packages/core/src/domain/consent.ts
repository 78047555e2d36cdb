import { loopError } from '../errors.js'
import type { Consent } from './customer.js'

/** A change to one consent: grant sends (or `null` for uncounted), consume one, or revoke. */
export type ConsentChange = { grant: number | null } | { consume: true } | { revoke: true }

/**
 * The consent after a change, or `null` when the change cannot apply (nothing left to consume,
 * nothing to revoke). Storage adapters share it so every one counts one-time subscriptions the same way.
 *
 * @example
 * ```ts
 * applyConsentChange({ current: null, change: { grant: 1 }, channel: 'wechat', topic: 'order.paid', now })
 * // { channel: 'wechat', topic: 'order.paid', remaining: 1, grantedAt: now, revokedAt: null }
 * ```
 */
export function applyConsentChange(input: {
  current: Consent | null
  change: ConsentChange
  channel: string
  topic: string
  now: number
}): Consent | null {
  const { current, change, channel, topic, now } = input
  const active = current !== null && current.revokedAt === null
  if ('grant' in change) {
    if (change.grant !== null && (!Number.isSafeInteger(change.grant) || change.grant < 1)) {
      throw loopError(
        'storage',
        'invalid_input',
        `A consent grant must be a positive integer or null, got ${change.grant}.`,
      )
    }
    // Counted grants add up while the consent is active; an uncounted consent stays uncounted.
    let remaining: number | null = change.grant
    if (active && change.grant !== null)
      remaining = current.remaining === null ? null : current.remaining + change.grant
    return { channel, topic, remaining, grantedAt: now, revokedAt: null }
  }
  if ('consume' in change) {
    if (!active) return null
    if (current.remaining === null) return { ...current }
    if (current.remaining < 1) return null
    return { ...current, remaining: current.remaining - 1 }
  }
  if (!active) return null
  return { ...current, revokedAt: now }
}
