import type { Customer } from './customer.js'

/** What `recordActivity` is told: a follow, an unfollow, an interaction, or several. */
export interface ActivityChange {
  /** `true`: followed the official account; `false`: unfollowed; omitted: no change. */
  followed?: boolean
  /** An inbound interaction at this time; `lastInteractionAt` only moves forward. */
  interactedAt?: number
  now: number
}

/** A customer's follow and interaction fields. */
export type ActivityFields = Pick<Customer, 'followedAt' | 'unfollowedAt' | 'lastInteractionAt'>

/**
 * The follow and interaction fields after an activity, and whether anything changed. Every
 * adapter applies it the same way, so replays are no-ops everywhere: a repeated follow keeps the
 * first `followedAt`, a repeated unfollow keeps the first `unfollowedAt`, an older interaction
 * never moves `lastInteractionAt` back.
 *
 * @example
 * ```ts
 * applyActivity({ followedAt: null, unfollowedAt: null, lastInteractionAt: null }, { followed: true, now: 5 })
 * // { fields: { followedAt: 5, unfollowedAt: null, lastInteractionAt: null }, changed: true }
 * ```
 */
export function applyActivity(
  current: ActivityFields,
  change: ActivityChange,
): { fields: ActivityFields; changed: boolean } {
  const fields = { ...current }
  if (change.followed === true) {
    if (fields.followedAt === null) fields.followedAt = change.now
    fields.unfollowedAt = null
  } else if (change.followed === false) {
    // An unfollow of someone already unfollowed is a replay; of someone never seen following, it
    // still records when they left.
    if (fields.followedAt !== null || fields.unfollowedAt === null) fields.unfollowedAt = change.now
    fields.followedAt = null
  }
  if (
    change.interactedAt !== undefined &&
    (fields.lastInteractionAt === null || change.interactedAt > fields.lastInteractionAt)
  ) {
    fields.lastInteractionAt = change.interactedAt
  }
  const changed =
    fields.followedAt !== current.followedAt ||
    fields.unfollowedAt !== current.unfollowedAt ||
    fields.lastInteractionAt !== current.lastInteractionAt
  return { fields, changed }
}

/**
 * The follow and interaction fields of two customers found to be one person: following if either
 * follows (since the earlier follow), else the later unfollow; the later interaction; the
 * survivor's time zone, or the other's.
 *
 * @example
 * ```ts
 * const fields = mergeActivity(survivor, merged)
 * ```
 */
export function mergeActivity(
  s: ActivityFields & Pick<Customer, 'timeZone'>,
  m: ActivityFields & Pick<Customer, 'timeZone'>,
): ActivityFields & Pick<Customer, 'timeZone'> {
  const follows = [s.followedAt, m.followedAt].filter((x): x is number => x !== null)
  const unfollows = [s.unfollowedAt, m.unfollowedAt].filter((x): x is number => x !== null)
  const interactions = [s.lastInteractionAt, m.lastInteractionAt].filter((x): x is number => x !== null)
  return {
    followedAt: follows.length > 0 ? Math.min(...follows) : null,
    unfollowedAt: follows.length > 0 || unfollows.length === 0 ? null : Math.max(...unfollows),
    lastInteractionAt: interactions.length > 0 ? Math.max(...interactions) : null,
    timeZone: s.timeZone ?? m.timeZone,
  }
}
