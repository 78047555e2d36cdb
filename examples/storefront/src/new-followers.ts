import { type Audience, DAY_MS, type Loop } from '@loopkit/core'

/** The shop's "new followers this week" audience id. */
export const NEW_FOLLOWERS = 'new-followers-week'

/**
 * Saves "new followers this week": customers who follow the official account and joined the pool in
 * the last 7 days (a QR-code follower joins the pool at the follow). The filter language has
 * `createdAfter` (an instant) but no relative "followed within N days", so the shop re-defines the
 * audience with the window ending now before each use — every count, member list and campaign it
 * feeds (a campaign copies the filter when it is created, so it keeps the week it was made in).
 */
export function refreshNewFollowers(loop: Loop, now = Date.now()): Promise<Audience> {
  return loop.audiences.define({
    id: NEW_FOLLOWERS,
    name: '本周新关注 New followers this week',
    where: { all: [{ followed: true }, { createdAfter: now - 7 * DAY_MS }] },
  })
}
