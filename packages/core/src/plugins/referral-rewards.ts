import type { LoopContext, LoopPlugin, OrderHookState, RefundHookState } from '../contracts/plugin.js'
import type { Effects } from '../contracts/storage.js'
import type { Order } from '../domain/order.js'
import type { Reward } from '../domain/share.js'
import { loopError } from '../errors.js'

/** What a sharer earns for one referred, paid order. */
export type RewardRule =
  | { type: 'fixed'; amount: number }
  /** Basis points of the order total (500 = 5 %), rounded down to the minor unit. */
  | { type: 'percent'; basisPoints: number }
  | { type: 'coupon'; code: (input: { order: Order; sharerId: string }) => string }

/** Options of {@link referralRewards}. */
export interface ReferralRewardsOptions {
  reward: RewardRule
  /** How long a reward stays held (clawed back if the order is refunded meanwhile). Default 7 days. */
  holdMs?: number
  /** At most this many minor units of held + released rewards per sharer (per currency). */
  capPerSharer?: number
  /** A→B→A: B's reward is refused if A was referred by B within this window. Default 30 days. */
  circularWindowMs?: number
}

function amountFor(rule: RewardRule, order: Order): number {
  if (rule.type === 'fixed') return rule.amount
  if (rule.type === 'percent') return Math.floor((order.total * rule.basisPoints) / 10_000)
  return 0
}

/** True when the sharer was brought in by the buyer: rewarding would pay a circle. */
async function isCircular(
  context: LoopContext,
  order: Order,
  sharerId: string,
  windowMs: number,
): Promise<boolean> {
  const sharer = await context.storage.getCustomer({ id: sharerId })
  if (sharer?.referredBy === order.customerId) return true
  const since = context.now() - windowMs
  const sharerOrders = await context.storage.listOrders({ customerId: sharerId, limit: 200 })
  return sharerOrders.some((o) => o.createdAt >= since && o.attribution?.sharerId === order.customerId)
}

/**
 * Referral rewards that follow the money: when an order attributed to a share is paid, the sharer
 * accrues a reward (fixed, percentage or coupon), held for `holdMs` and clawed back if the order is
 * refunded within it (in proportion to the amount refunded), then released by `loop.tick()`. Self-referrals and circles (A→B→A) earn
 * nothing; `capPerSharer` bounds what one sharer can earn. Every step is in the event log.
 *
 * @example
 * ```ts
 * import { referralRewards } from '@loopkit/core/plugins'
 *
 * const loop = createLoop({
 *   secret, baseUrl, storage,
 *   plugins: [referralRewards({ reward: { type: 'percent', basisPoints: 500 }, holdMs: 7 * 86_400_000, capPerSharer: 50_000 })],
 * })
 * ```
 */
export function referralRewards(options: ReferralRewardsOptions): LoopPlugin {
  const rule = options.reward
  if (rule.type === 'fixed' && (!Number.isSafeInteger(rule.amount) || rule.amount <= 0)) {
    throw loopError(
      'referral-rewards',
      'configuration',
      'A fixed reward is a positive integer of minor units.',
    )
  }
  if (
    rule.type === 'percent' &&
    (!Number.isInteger(rule.basisPoints) || rule.basisPoints <= 0 || rule.basisPoints > 10_000)
  ) {
    throw loopError('referral-rewards', 'configuration', '`basisPoints` is an integer from 1 to 10000.')
  }
  const holdMs = options.holdMs ?? 7 * 86_400_000
  const circularWindowMs = options.circularWindowMs ?? 30 * 86_400_000

  async function accrue({ context, order }: OrderHookState): Promise<void> {
    const sharerId = order.attribution?.sharerId
    if (!sharerId || sharerId === order.customerId) return
    if (await isCircular(context, order, sharerId, circularWindowMs)) return
    const now = context.now()
    const reward: Reward = {
      id: `rwd_${order.id}`,
      sharerId,
      orderId: order.id,
      kind: rule.type === 'coupon' ? 'coupon' : 'amount',
      amount: amountFor(rule, order),
      clawedBack: 0,
      currency: order.currency,
      coupon: rule.type === 'coupon' ? rule.code({ order, sharerId }) : null,
      status: 'held',
      releaseAt: now + holdMs,
      createdAt: now,
      updatedAt: now,
    }
    if (reward.kind === 'amount' && reward.amount <= 0) return
    // The storage may cut the amount to the cap: the event and the sharer's message are built from
    // the reward as stored, inside the same transaction.
    let written: Effects | null = null
    const effects = (stored: Reward): Effects => {
      written = {
        events: [
          context.event(
            'reward.accrued',
            {
              rewardId: stored.id,
              sharerId,
              kind: stored.kind,
              amount: stored.amount,
              currency: stored.currency,
              coupon: stored.coupon,
            },
            { customerId: sharerId, orderId: order.id },
          ),
        ],
        outbox: context.outbox({
          topic: 'reward.accrued',
          ref: stored.id,
          customer: sharer,
          order,
          reward: stored,
        }),
      }
      return written
    }
    const sharer = await context.storage.getCustomer({ id: sharerId })
    const { created } = await context.storage.createReward({
      reward,
      effects,
      ...(options.capPerSharer !== undefined ? { capTotal: options.capPerSharer } : {}),
    })
    const done = written as Effects | null
    if (created && done?.events) context.publish(done.events)
  }

  /**
   * A refund claws back in proportion to what was refunded: `floor(amount × refunded / total)` of
   * the order's cumulative refunds, so a full refund takes it all and the sharer is never clawed
   * back more than the refunded share (the rounding favours the sharer by under one minor unit).
   * The storage only ever raises `clawedBack`, so out-of-order or repeated refund hooks converge.
   * A coupon cannot be split: it is clawed back when the order is fully refunded.
   */
  async function clawBack({ context, order }: RefundHookState): Promise<void> {
    const rewards = await context.storage.listRewards({ orderId: order.id, status: 'held', limit: 10 })
    const refunded = Math.min(order.refunded, order.total)
    for (const r of rewards) {
      if (context.now() >= r.releaseAt) continue
      const full = refunded >= order.total
      if (r.kind === 'coupon' || r.amount === 0) {
        if (full) await clawBackWhole(context, order, r)
        continue
      }
      const target = full ? r.amount : Math.floor((r.amount * refunded) / order.total)
      let written: Effects | null = null
      const effects = (stored: Reward, before: Reward): Effects => {
        written = {
          events: [
            context.event(
              'reward.clawed_back',
              {
                rewardId: r.id,
                sharerId: r.sharerId,
                amount: stored.clawedBack - before.clawedBack,
                clawedBack: stored.clawedBack,
                remaining: stored.amount - stored.clawedBack,
              },
              { customerId: r.sharerId, orderId: order.id },
            ),
          ],
        }
        return written
      }
      const { changed } = await context.storage.clawBackReward({
        id: r.id,
        clawedBack: target,
        now: context.now(),
        effects,
      })
      const done = written as Effects | null
      if (changed && done?.events) context.publish(done.events)
    }
  }

  async function clawBackWhole(context: LoopContext, order: Order, r: Reward): Promise<void> {
    const effects: Effects = {
      events: [
        context.event(
          'reward.clawed_back',
          { rewardId: r.id, sharerId: r.sharerId, amount: r.amount, clawedBack: r.amount, remaining: 0 },
          { customerId: r.sharerId, orderId: order.id },
        ),
      ],
    }
    const { changed } = await context.storage.transitionReward({
      id: r.id,
      from: ['held'],
      to: 'clawed_back',
      now: context.now(),
      effects,
    })
    if (changed) context.publish(effects.events!)
  }

  async function release({ context }: { context: LoopContext }): Promise<void> {
    const due = await context.storage.listRewards({ status: 'held', dueBefore: context.now(), limit: 500 })
    for (const r of due) {
      const effects: Effects = {
        events: [
          context.event(
            'reward.released',
            { rewardId: r.id, sharerId: r.sharerId, amount: r.amount - r.clawedBack },
            { customerId: r.sharerId, orderId: r.orderId },
          ),
        ],
      }
      const { changed } = await context.storage.transitionReward({
        id: r.id,
        from: ['held'],
        to: 'released',
        now: context.now(),
        effects,
      })
      if (changed) context.publish(effects.events!)
    }
  }

  return {
    id: 'referral-rewards',
    hooks: { orderPaid: [accrue], refundSucceeded: [clawBack], tick: [release] },
  }
}
