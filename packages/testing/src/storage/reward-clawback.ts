import type { Reward } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { type SuiteContext, written } from './context.js'
import { event, id, reward, T0 } from './fixtures.js'

/** Issue #9.11: a partial refund claws back part of a held reward. */
export function rewardClawbackCases(ctx: SuiteContext): void {
  describe('reward clawback (#9.11)', () => {
    it('#9.11 raises clawedBack in steps, never lowers it, and ends clawed_back at the full amount', async () => {
      const r = reward({ amount: 500 })
      await ctx.storage.createReward({ reward: r })
      const seen: [number, number][] = []
      const fx = (stored: Reward, before: Reward) => {
        seen.push([before.clawedBack, stored.clawedBack])
        return { events: [event({ type: 'reward.clawed_back' })] }
      }
      const first = await ctx.storage.clawBackReward({ id: r.id, clawedBack: 120, now: T0 + 1, effects: fx })
      expect(first).toEqual({
        reward: { ...r, clawedBack: 120, status: 'held', updatedAt: T0 + 1 },
        changed: true,
      })
      const lower = await ctx.storage.clawBackReward({ id: r.id, clawedBack: 100, now: T0 + 2, effects: fx })
      expect(lower).toEqual({ reward: first.reward, changed: false })
      const all = await ctx.storage.clawBackReward({ id: r.id, clawedBack: 9999, now: T0 + 3, effects: fx })
      expect(all).toEqual({
        reward: { ...r, clawedBack: 500, status: 'clawed_back', updatedAt: T0 + 3 },
        changed: true,
      })
      expect(seen).toEqual([
        [0, 120],
        [120, 500],
      ])
      expect((await written(ctx.storage)).events).toHaveLength(2)
      expect(await ctx.storage.clawBackReward({ id: 'rwd_missing', clawedBack: 1, now: T0 })).toEqual({
        reward: null,
        changed: false,
      })
    })

    it('#9.11 changes only a held reward', async () => {
      const r = reward({ amount: 500 })
      await ctx.storage.createReward({ reward: r })
      await ctx.storage.transitionReward({ id: r.id, from: ['held'], to: 'released', now: T0 + 1 })
      const e = event()
      const res = await ctx.storage.clawBackReward({
        id: r.id,
        clawedBack: 100,
        now: T0 + 2,
        effects: { events: [e] },
      })
      expect(res).toMatchObject({ changed: false, reward: { status: 'released', clawedBack: 0 } })
      expect((await written(ctx.storage)).events).toEqual([])
    })

    it('#9.11 the cap counts what a sharer keeps after partial clawbacks', async () => {
      const sharerId = id('cus')
      const a = await ctx.storage.createReward({ reward: reward({ sharerId, amount: 800 }), capTotal: 1000 })
      await ctx.storage.clawBackReward({ id: a.reward!.id, clawedBack: 500, now: T0 + 1 })
      const b = await ctx.storage.createReward({ reward: reward({ sharerId, amount: 800 }), capTotal: 1000 })
      expect(b).toMatchObject({ created: true, reward: { amount: 700, clawedBack: 0 } })
    })
  })
}
