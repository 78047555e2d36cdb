import { describe, expect, it } from 'vitest'
import { type SuiteContext, written } from './context.js'
import { event, id, profile, T0 } from './fixtures.js'

export function customerActivityCases(ctx: SuiteContext): void {
  describe('customer activity (follow, unfollow, interaction, time zone)', () => {
    const newCustomer = async () =>
      (await ctx.storage.upsertCustomer({ id: id('cus'), profile: profile(), now: T0 })).customer

    it('records a follow once: a replayed follow keeps the first time and writes nothing', async () => {
      const c = await newCustomer()
      const e1 = event({ type: 'customer.followed', customerId: c.id })
      const first = await ctx.storage.recordActivity({
        customerId: c.id,
        followed: true,
        now: T0 + 10,
        effects: { events: [e1] },
      })
      expect(first.changed).toBe(true)
      expect(first.customer).toMatchObject({ followedAt: T0 + 10, unfollowedAt: null, updatedAt: T0 + 10 })
      const again = await ctx.storage.recordActivity({
        customerId: c.id,
        followed: true,
        now: T0 + 20,
        effects: { events: [event({ customerId: c.id })] },
      })
      expect(again.changed).toBe(false)
      expect(again.customer).toMatchObject({ followedAt: T0 + 10, updatedAt: T0 + 10 })
      expect((await written(ctx.storage)).events).toEqual([e1.id])
      expect(await ctx.storage.getCustomer({ id: c.id })).toEqual(first.customer)
    })

    it('an unfollow clears followedAt and sets unfollowedAt; a new follow clears unfollowedAt', async () => {
      const c = await newCustomer()
      await ctx.storage.recordActivity({ customerId: c.id, followed: true, now: T0 + 10 })
      const left = await ctx.storage.recordActivity({ customerId: c.id, followed: false, now: T0 + 20 })
      expect(left).toMatchObject({ changed: true, customer: { followedAt: null, unfollowedAt: T0 + 20 } })
      const replay = await ctx.storage.recordActivity({ customerId: c.id, followed: false, now: T0 + 30 })
      expect(replay).toMatchObject({ changed: false, customer: { followedAt: null, unfollowedAt: T0 + 20 } })
      const back = await ctx.storage.recordActivity({ customerId: c.id, followed: true, now: T0 + 40 })
      expect(back).toMatchObject({ changed: true, customer: { followedAt: T0 + 40, unfollowedAt: null } })
    })

    it('records an unfollow of a customer never seen following', async () => {
      const c = await newCustomer()
      const r = await ctx.storage.recordActivity({ customerId: c.id, followed: false, now: T0 + 5 })
      expect(r).toMatchObject({ changed: true, customer: { followedAt: null, unfollowedAt: T0 + 5 } })
    })

    it('moves lastInteractionAt only forward, and leaves follow state alone', async () => {
      const c = await newCustomer()
      await ctx.storage.recordActivity({ customerId: c.id, followed: true, now: T0 + 1 })
      const r1 = await ctx.storage.recordActivity({ customerId: c.id, interactedAt: T0 + 100, now: T0 + 100 })
      expect(r1).toMatchObject({
        changed: true,
        customer: { lastInteractionAt: T0 + 100, followedAt: T0 + 1 },
      })
      const older = await ctx.storage.recordActivity({
        customerId: c.id,
        interactedAt: T0 + 50,
        now: T0 + 101,
      })
      expect(older).toMatchObject({ changed: false, customer: { lastInteractionAt: T0 + 100 } })
      const both = await ctx.storage.recordActivity({
        customerId: c.id,
        followed: false,
        interactedAt: T0 + 200,
        now: T0 + 200,
      })
      expect(both.customer).toMatchObject({
        followedAt: null,
        unfollowedAt: T0 + 200,
        lastInteractionAt: T0 + 200,
      })
    })

    it('answers null for an unknown customer and the survivor for a merged one', async () => {
      expect(
        await ctx.storage.recordActivity({ customerId: 'cus_missing', followed: true, now: T0 }),
      ).toEqual({
        customer: null,
        changed: false,
      })
      const older = await ctx.storage.upsertCustomer({
        id: id('cus'),
        profile: profile({ provider: 'wechat-mp', unionId: 'u_act' }),
        now: T0,
      })
      const mini = profile({ provider: 'wechat-mini' })
      const newer = await ctx.storage.upsertCustomer({ id: id('cus'), profile: mini, now: T0 + 1 })
      await ctx.storage.recordActivity({ customerId: newer.customer.id, followed: true, now: T0 + 2 })
      await ctx.storage.upsertCustomer({ id: id('cus'), profile: { ...mini, unionId: 'u_act' }, now: T0 + 3 })
      const survivor = await ctx.storage.getCustomer({ id: older.customer.id })
      // The merged customer was following: the person follows.
      expect(survivor?.followedAt).toBe(T0 + 2)
      const r = await ctx.storage.recordActivity({
        customerId: newer.customer.id,
        interactedAt: T0 + 9,
        now: T0 + 9,
      })
      expect(r.customer?.id).toBe(older.customer.id)
      expect(r.customer?.lastInteractionAt).toBe(T0 + 9)
    })

    it('sets and clears the time zone with updateCustomer', async () => {
      const c = await newCustomer()
      expect(c.timeZone).toBeNull()
      const set = await ctx.storage.updateCustomer({ id: c.id, timeZone: 'Asia/Shanghai', now: T0 + 1 })
      expect(set?.timeZone).toBe('Asia/Shanghai')
      const kept = await ctx.storage.updateCustomer({ id: c.id, addTags: ['x'], now: T0 + 2 })
      expect(kept?.timeZone).toBe('Asia/Shanghai')
      const cleared = await ctx.storage.updateCustomer({ id: c.id, timeZone: null, now: T0 + 3 })
      expect((await ctx.storage.getCustomer({ id: c.id }))?.timeZone).toBeNull()
      expect(cleared?.timeZone).toBeNull()
    })
  })
}
