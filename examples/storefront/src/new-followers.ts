import type { Audience, Loop } from '@loopkit/core'

/** The shop's "new followers this week" audience id. */
export const NEW_FOLLOWERS = 'new-followers-week'

/**
 * Saves "new followers this week": customers who follow the official account now and followed it
 * (or followed again) in the last 7 days, counted back from each query's own time, so the audience
 * never goes stale and a campaign sent to it reaches the week before its send. Idempotent: the shop
 * calls it once at start.
 */
export function defineNewFollowers(loop: Loop): Promise<Audience> {
  return loop.audiences.define({
    id: NEW_FOLLOWERS,
    name: '本周新关注 New followers this week',
    where: { followedWithinDays: 7 },
  })
}
