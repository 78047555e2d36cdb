import { describe, expect, it } from 'vitest'
import { type SuiteContext, written } from './context.js'
import { event, id, profile, T0 } from './fixtures.js'

/**
 * An activity with the push that reports it (an official-account follow): the customer change, the
 * push's events and its dedupe key in one step (issue #10).
 */
export function activityDeliveryCases(ctx: SuiteContext): void {
  describe('customer activity with its webhook delivery', () => {
    const newCustomer = async () =>
      (await ctx.storage.upsertCustomer({ id: id('cus'), profile: profile(), now: T0 })).customer
    const delivery = (eventId: string, at = T0 + 10) => ({
      provider: 'wechat-oa:wx1',
      eventId,
      receivedAt: at,
    })

    it('records the change, the events and the delivery together; a replay changes nothing and answers first: false', async () => {
      const c = await newCustomer()
      const e1 = event({ type: 'wechat.followed', customerId: c.id })
      const first = await ctx.storage.recordActivity({
        customerId: c.id,
        followed: true,
        now: T0 + 10,
        effects: { events: [e1] },
        delivery: delivery('follow-1'),
      })
      expect(first).toMatchObject({ changed: true, first: true, customer: { followedAt: T0 + 10 } })
      const replay = await ctx.storage.recordActivity({
        customerId: c.id,
        followed: true,
        now: T0 + 20,
        effects: { events: [event({ customerId: c.id })] },
        delivery: delivery('follow-1', T0 + 20),
      })
      expect(replay).toMatchObject({ changed: false, first: false, customer: { followedAt: T0 + 10 } })
      expect((await written(ctx.storage)).events).toEqual([e1.id])
      // The key is the inbox's: a plain webhook with it is a repeat too.
      expect(await ctx.storage.recordWebhook({ delivery: delivery('follow-1'), effects: {} })).toEqual({
        first: false,
      })
    })

    it('a first delivery that changes nothing still writes its events; a stale replay of an earlier push changes nothing', async () => {
      const c = await newCustomer()
      await ctx.storage.recordActivity({ customerId: c.id, followed: true, now: T0 + 5 })
      const e1 = event({ type: 'wechat.followed', customerId: c.id })
      const same = await ctx.storage.recordActivity({
        customerId: c.id,
        followed: true,
        now: T0 + 10,
        effects: { events: [e1] },
        delivery: delivery('follow-2'),
      })
      expect(same).toMatchObject({ changed: false, first: true })
      const e2 = event({ type: 'wechat.unfollowed', customerId: c.id })
      await ctx.storage.recordActivity({
        customerId: c.id,
        followed: false,
        now: T0 + 30,
        effects: { events: [e2] },
        delivery: delivery('unfollow-1', T0 + 30),
      })
      const stale = await ctx.storage.recordActivity({
        customerId: c.id,
        followed: true,
        now: T0 + 40,
        effects: { events: [event({ customerId: c.id })] },
        delivery: delivery('follow-2', T0 + 40),
      })
      expect(stale).toMatchObject({ first: false, customer: { followedAt: null, unfollowedAt: T0 + 30 } })
      expect((await written(ctx.storage)).events).toEqual([e1.id, e2.id])
    })

    it('an unknown customer records nothing, not even the delivery', async () => {
      expect(
        await ctx.storage.recordActivity({
          customerId: 'cus_nobody',
          followed: true,
          now: T0,
          effects: { events: [event()] },
          delivery: delivery('nobody'),
        }),
      ).toEqual({ customer: null, changed: false })
      expect(await ctx.storage.recordWebhook({ delivery: delivery('nobody'), effects: {} })).toEqual({
        first: true,
      })
      expect((await written(ctx.storage)).events).toEqual([])
    })
  })
}
