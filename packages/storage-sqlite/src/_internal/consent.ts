import { type Consent, loopError } from '@loopkit/core'
import { SCOPE } from './db.js'

/**
 * The consent after a change, or `null` when it cannot apply (nothing left to consume, nothing to
 * revoke). Counted grants add up while the consent is active; an uncounted one stays uncounted.
 */
export function applyConsentChange(
  current: Consent | null,
  change: { grant: number | null } | { consume: true } | { revoke: true },
  channel: string,
  topic: string,
  now: number,
): Consent | null {
  const active = current !== null && current.revokedAt === null
  if ('grant' in change) {
    if (change.grant !== null && (!Number.isSafeInteger(change.grant) || change.grant < 1)) {
      throw loopError(
        SCOPE,
        'invalid_input',
        `A consent grant must be a positive integer or null, got ${change.grant}.`,
      )
    }
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
