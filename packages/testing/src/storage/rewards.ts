import { describe, expect, it } from 'vitest'
import { type SuiteContext, settle, written } from './context.js'
import { event, id, reward, T0 } from './fixtures.js'

export function rewardCases(ctx: SuiteContext): void {
  describe('rewards', () => {
    it('accrues one reward per sharer and order', async () => {
      const r = reward()
      const e = event()
      expect(await ctx.storage.createReward({ reward: r, effects: { events: [e] } })).toEqual({
        reward: r,
        created: true,
      })
      const again = await ctx.storage.createReward({
        reward: { ...reward(), sharerId: r.sharerId, orderId: r.orderId },
        effects: { events: [event()] },
      })
      expect(again).toEqual({ reward: r, created: false })
      expect((await written(ctx.storage)).events).toEqual([e.id])
    })

    it('cuts a reward to what is left of the cap and writes none when nothing is left', async () => {
      const sharerId = id('cus')
      const cap = 1000
      const first = await ctx.storage.createReward({
        reward: reward({ sharerId, amount: 700 }),
        capTotal: cap,
      })
      expect(first.reward?.amount).toBe(700)
      const cut = await ctx.storage.createReward({ reward: reward({ sharerId, amount: 700 }), capTotal: cap })
      expect(cut).toMatchObject({ created: true, reward: { amount: 300 } })
      const none = await ctx.storage.createReward({
        reward: reward({ sharerId, amount: 100 }),
        capTotal: cap,
        effects: { events: [event()] },
      })
      expect(none).toEqual({ reward: null, created: false })
      expect((await written(ctx.storage)).events).toEqual([])
      expect(await ctx.storage.listRewards({ sharerId, limit: 10 })).toHaveLength(2)
    })

    it('hands effects given as a function the reward as stored, cut to the cap', async () => {
      const sharerId = id('cus')
      await ctx.storage.createReward({ reward: reward({ sharerId, amount: 700 }), capTotal: 1000 })
      const seen: number[] = []
      const r = await ctx.storage.createReward({
        reward: reward({ sharerId, amount: 700 }),
        capTotal: 1000,
        effects: (stored) => {
          seen.push(stored.amount)
          return { events: [event({ type: 'reward.accrued', data: { amount: stored.amount } })] }
        },
      })
      expect(r.reward?.amount).toBe(300)
      expect(seen).toEqual([300])
      const [e] = await ctx.storage.listEvents({ types: ['reward.accrued'], limit: 10 })
      expect(e?.data).toEqual({ amount: 300 })
      const none = await ctx.storage.createReward({
        reward: reward({ sharerId, amount: 100 }),
        capTotal: 1000,
        effects: () => ({ events: [event()] }),
      })
      expect(none.created).toBe(false)
      expect((await ctx.storage.listEvents({ limit: 10 })).map((x) => x.type)).toEqual(['reward.accrued'])
    })

    it('counts only held and released rewards in the sharer’s currency toward the cap', async () => {
      const sharerId = id('cus')
      const clawed = await ctx.storage.createReward({
        reward: reward({ sharerId, amount: 800 }),
        capTotal: 1000,
      })
      await ctx.storage.transitionReward({
        id: clawed.reward!.id,
        from: ['held'],
        to: 'clawed_back',
        now: T0 + 1,
      })
      await ctx.storage.createReward({
        reward: reward({ sharerId, amount: 900, currency: 'USD' }),
        capTotal: 1000,
      })
      const full = await ctx.storage.createReward({
        reward: reward({ sharerId, amount: 1000 }),
        capTotal: 1000,
      })
      expect(full.reward?.amount).toBe(1000)
    })

    it('never exceeds the cap under concurrent accruals', async () => {
      const sharerId = id('cus')
      const { values, errors } = await settle(
        Array.from({ length: 10 }, () =>
          ctx.storage.createReward({ reward: reward({ sharerId, amount: 300 }), capTotal: 1000 }),
        ),
      )
      expect(errors).toEqual([])
      expect(values.filter((r) => r.created)).toHaveLength(4)
      const total = (await ctx.storage.listRewards({ sharerId, limit: 100 })).reduce(
        (n, r) => n + r.amount,
        0,
      )
      expect(total).toBe(1000)
    })

    it('accrues once for concurrent rewards of the same order', async () => {
      const r = reward()
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          ctx.storage.createReward({ reward: { ...reward(), sharerId: r.sharerId, orderId: r.orderId } }),
        ),
      )
      expect(results.filter((x) => x.created)).toHaveLength(1)
      expect(await ctx.storage.listRewards({ orderId: r.orderId, limit: 10 })).toHaveLength(1)
    })

    it('moves a reward only from an expected status', async () => {
      const r = reward()
      await ctx.storage.createReward({ reward: r })
      const e = event()
      const released = await ctx.storage.transitionReward({
        id: r.id,
        from: ['held'],
        to: 'released',
        now: T0 + 5,
        effects: { events: [e] },
      })
      expect(released).toEqual({ reward: { ...r, status: 'released', updatedAt: T0 + 5 }, changed: true })
      const again = await ctx.storage.transitionReward({
        id: r.id,
        from: ['held'],
        to: 'clawed_back',
        now: T0 + 6,
        effects: { events: [event()] },
      })
      expect(again).toEqual({ reward: released.reward, changed: false })
      expect(
        await ctx.storage.transitionReward({ id: 'rwd_missing', from: ['held'], to: 'released', now: T0 }),
      ).toEqual({
        reward: null,
        changed: false,
      })
      expect((await written(ctx.storage)).events).toEqual([e.id])
    })

    it('lists rewards by sharer, order, status and due time', async () => {
      const sharerId = id('cus')
      const early = reward({ sharerId, releaseAt: T0 + 1000, createdAt: T0 })
      const late = reward({ sharerId, releaseAt: T0 + 9000, createdAt: T0 + 1 })
      const other = reward({ releaseAt: T0 + 1000, createdAt: T0 + 2 })
      for (const r of [early, late, other]) await ctx.storage.createReward({ reward: r })
      await ctx.storage.transitionReward({ id: late.id, from: ['held'], to: 'released', now: T0 + 10 })
      const ids = (list: { id: string }[]) => list.map((r) => r.id).sort()

      expect(ids(await ctx.storage.listRewards({ sharerId, limit: 10 }))).toEqual([early.id, late.id].sort())
      expect(ids(await ctx.storage.listRewards({ orderId: other.orderId, limit: 10 }))).toEqual([other.id])
      expect(ids(await ctx.storage.listRewards({ status: 'released', limit: 10 }))).toEqual([late.id])
      expect(ids(await ctx.storage.listRewards({ status: 'held', dueBefore: T0 + 5000, limit: 10 }))).toEqual(
        [early.id, other.id].sort(),
      )
      expect(await ctx.storage.listRewards({ limit: 1 })).toHaveLength(1)
    })
  })
}
