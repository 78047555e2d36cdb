import { describe, expect, it } from 'vitest'
import { type SuiteContext, written } from './context.js'
import { event, share, T0, visit } from './fixtures.js'

export function shareCases(ctx: SuiteContext): void {
  describe('shares and visits', () => {
    it('stores shares and lists them newest first, per customer, limited', async () => {
      const a1 = share({ customerId: 'cus_a', createdAt: T0 })
      const a2 = share({ customerId: 'cus_a', createdAt: T0 + 10 })
      const b1 = share({ customerId: 'cus_b', createdAt: T0 + 5 })
      const e = event()
      expect(await ctx.storage.createShare({ share: a1, effects: { events: [e] } })).toEqual(a1)
      await ctx.storage.createShare({ share: a2 })
      await ctx.storage.createShare({ share: b1 })
      expect(await ctx.storage.getShare({ id: a1.id })).toEqual(a1)
      expect(await ctx.storage.getShare({ id: 'shr_missing' })).toBeNull()
      expect(await ctx.storage.listShares({ customerId: 'cus_a', limit: 10 })).toEqual([a2, a1])
      expect(await ctx.storage.listShares({ limit: 2 })).toEqual([a2, b1])
      expect((await written(ctx.storage)).events).toEqual([e.id])
    })

    it('records visits and claims a browser’s unclaimed visits for the customer who logs in', async () => {
      const s = share({ customerId: 'cus_sharer' })
      await ctx.storage.createShare({ share: s })
      const v1 = visit(s, { visitorKey: 'vk_1', at: T0 + 1 })
      const v2 = visit(s, { visitorKey: 'vk_1', at: T0 + 2 })
      const claimedBefore = visit(s, { visitorKey: 'vk_1', customerId: 'cus_other', at: T0 + 3 })
      const otherBrowser = visit(s, { visitorKey: 'vk_2', at: T0 + 4 })
      const e = event()
      expect(await ctx.storage.recordVisit({ visit: v1, effects: { events: [e] } })).toEqual(v1)
      for (const v of [v2, claimedBefore, otherBrowser]) await ctx.storage.recordVisit({ visit: v })
      expect(await ctx.storage.claimVisits({ visitorKey: 'vk_1', customerId: 'cus_me' })).toEqual({
        claimed: 2,
      })
      expect(await ctx.storage.claimVisits({ visitorKey: 'vk_1', customerId: 'cus_me' })).toEqual({
        claimed: 0,
      })
      expect((await ctx.storage.lastVisit({ customerId: 'cus_me', since: T0 }))?.id).toBe(v2.id)
      expect((await written(ctx.storage)).events).toEqual([e.id])
    })

    it('finds the newest visit by customer or browser since a time, excluding self-visits', async () => {
      const s = share({ customerId: 'cus_sharer' })
      await ctx.storage.createShare({ share: s })
      const old = visit(s, { customerId: 'cus_me', at: T0 })
      const byCustomer = visit(s, { customerId: 'cus_me', at: T0 + 100 })
      const byBrowser = visit(s, { visitorKey: 'vk_me', at: T0 + 200 })
      const self = visit(s, { customerId: 'cus_sharer', visitorKey: 'vk_sharer', at: T0 + 300 })
      for (const v of [old, byCustomer, byBrowser, self]) await ctx.storage.recordVisit({ visit: v })

      expect((await ctx.storage.lastVisit({ customerId: 'cus_me', since: T0 }))?.id).toBe(byCustomer.id)
      expect(
        (await ctx.storage.lastVisit({ customerId: 'cus_me', visitorKey: 'vk_me', since: T0 }))?.id,
      ).toBe(byBrowser.id)
      expect(await ctx.storage.lastVisit({ customerId: 'cus_me', since: T0 + 101 })).toBeNull()
      expect(
        await ctx.storage.lastVisit({ customerId: 'cus_sharer', visitorKey: 'vk_sharer', since: T0 }),
      ).toBeNull()
      expect(
        await ctx.storage.lastVisit({ customerId: 'cus_nobody', visitorKey: null, since: T0 }),
      ).toBeNull()
    })
  })
}
