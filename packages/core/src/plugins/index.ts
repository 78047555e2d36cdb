/**
 * `@loopkit/core/plugins`: the loop plugins that ship with core, each opt-in through
 * `createLoop({ plugins: […] })`. A loop that does not use one does not carry it.
 *
 * @module
 */
export { type ReferralRewardsOptions, type RewardRule, referralRewards } from './referral-rewards.js'
