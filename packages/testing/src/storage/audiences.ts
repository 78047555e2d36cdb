import type { Audience, AudienceFilter } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { day, POOL_NOW, type PoolIds, seedPool } from './audience-pool.js'
import type { SuiteContext } from './context.js'
import { pageAll } from './customers-listing.js'
import { id, order, payment, profile, sku, T0 } from './fixtures.js'

type Name = keyof PoolIds

/** Every filter kind alone and combined, with the members of the seeded pool (see `seedPool`). */
export const poolCases: Array<[AudienceFilter, Name[]]> = [
  [{ tag: 'vip' }, ['A', 'B']],
  [{ tag: 'duck' }, ['B', 'D']],
  [{ tag: 'nobody' }, []],
  [{ followed: true }, ['A', 'D', 'E']],
  [{ followed: false }, ['B', 'C', 'F']],
  [{ unfollowed: true }, ['B']],
  [{ provider: 'wechat' }, ['A', 'C', 'E']],
  [{ provider: 'sandbox' }, ['B', 'D', 'E', 'F']],
  [{ consent: { channel: 'wechat-oa', topic: 'promo' } }, ['A']],
  [{ consent: { channel: 'wechat-oa', topic: 'other' } }, []],
  [{ lastOrderWithinDays: 10 }, ['A', 'C']],
  [{ lastOrderWithinDays: 60 }, ['A', 'B', 'C']],
  [{ lastOrderWithinDays: 80 }, ['A', 'B', 'C', 'E']],
  [{ orders: { min: 2 } }, ['A']],
  [{ orders: { min: 1 } }, ['A', 'B', 'E']],
  [{ orders: { max: 0 } }, ['C', 'D', 'F']],
  [{ orders: { min: 1, max: 1 } }, ['B', 'E']],
  [{ spent: { currency: 'CNY', min: 8000 } }, ['A', 'B']],
  [{ spent: { currency: 'CNY', min: 8001, max: 20_000 } }, ['A']],
  [{ spent: { currency: 'CNY', max: 0 } }, ['C', 'D', 'E', 'F']],
  [{ spent: { currency: 'USD', min: 1 } }, ['E']],
  [{ referrals: { min: 2 } }, ['A']],
  [{ referrals: { min: 1 } }, ['A', 'B']],
  [{ referrals: { max: 0 } }, ['C', 'D', 'E', 'F']],
  [{ rewards: { currency: 'CNY', min: 500 } }, ['A']],
  [{ rewards: { currency: 'CNY', min: 1 } }, ['A', 'B']],
  [{ rewards: { currency: 'CNY', min: 400, max: 400 } }, ['B']],
  [{ rewards: { currency: 'USD', min: 1 } }, []],
  [{ interactedWithinDays: 2 }, ['A']],
  [{ followedWithinDays: 96 }, ['E']],
  [{ followedWithinDays: 97 }, ['D', 'E']],
  [{ followedWithinDays: 99 }, ['A', 'D', 'E']],
  [{ not: { followedWithinDays: 97 } }, ['A', 'B', 'C', 'F']],
  [{ interactedWithinDays: 10 }, ['A', 'C']],
  [{ createdAfter: day(2) }, ['D', 'E', 'F']],
  [{ createdBefore: day(2) }, ['A', 'B']],
  [{ all: [] }, ['A', 'B', 'C', 'D', 'E', 'F']],
  [{ any: [] }, []],
  [{ all: [{ tag: 'vip' }, { followed: true }] }, ['A']],
  [{ any: [{ tag: 'duck' }, { provider: 'wechat' }] }, ['A', 'B', 'C', 'D', 'E']],
  [{ not: { tag: 'vip' } }, ['C', 'D', 'E', 'F']],
  [{ not: { not: { tag: 'vip' } } }, ['A', 'B']],
  [{ all: [{ followed: true }, { not: { orders: { min: 1 } } }] }, ['D']],
  [{ any: [{ all: [{ tag: 'vip' }, { not: { followed: true } }] }, { referrals: { min: 1 } }] }, ['A', 'B']],
  [
    {
      all: [
        { any: [{ provider: 'wechat' }, { tag: 'duck' }] },
        { not: { lastOrderWithinDays: 60 } },
        { createdAfter: day(0) },
      ],
    },
    ['D', 'E'],
  ],
]

export function audienceCases(ctx: SuiteContext): void {
  describe('audiences: segment filters over the customer pool', () => {
    it('gives the documented members, count and pages for every filter kind', async () => {
      const pool = await seedPool(ctx.storage)
      const failures: string[] = []
      for (const [where, names] of poolCases) {
        const want = names.map((n) => pool[n]).sort()
        const { count } = await ctx.storage.countCustomers({ where, now: POOL_NOW })
        const { ids } = await pageAll(ctx.storage, { where, limit: 2, now: POOL_NOW })
        const got = ids.map((x) => (Object.keys(pool) as Name[]).find((n) => pool[n] === x) ?? x)
        if (count !== want.length || JSON.stringify(ids) !== JSON.stringify(want)) {
          failures.push(
            `${JSON.stringify(where)}: want ${names.join(',')} got ${got.join(',')} (count ${count})`,
          )
        }
      }
      expect(failures).toEqual([])
    })

    it('treats filter values as data, never as query text', async () => {
      const odd = `x' OR '1'='1`
      const a = await ctx.storage.upsertCustomer({ id: id('cus'), profile: profile(), now: T0 })
      await ctx.storage.upsertCustomer({ id: id('cus'), profile: profile(), now: T0 })
      await ctx.storage.updateCustomer({ id: a.customer.id, addTags: [odd], now: T0 + 1 })
      expect(await ctx.storage.countCustomers({ where: { tag: odd } })).toEqual({ count: 1 })
      for (const where of [
        { tag: `') OR 1=1 --` },
        { provider: `x" OR 1=1 --` },
        { consent: { channel: `'; DROP TABLE customers; --`, topic: '%' } },
        { spent: { currency: `CNY' OR 'a'='a`, min: 0, max: 0 } },
      ]) {
        const want = 'spent' in where ? 2 : 0
        expect(await ctx.storage.countCustomers({ where }), JSON.stringify(where)).toEqual({ count: want })
        expect((await ctx.storage.listCustomers({ where, limit: 5 })).customers).toHaveLength(want)
      }
      expect(await ctx.storage.countCustomers({})).toEqual({ count: 2 })
    })

    it('counts a merged customer’s orders for the survivor', async () => {
      const s = sku({ stock: null })
      await ctx.storage.putSku({ sku: s })
      const older = await ctx.storage.upsertCustomer({
        id: id('cus'),
        profile: profile({ provider: 'wechat-mp', unionId: 'u_rfm' }),
        now: T0,
      })
      const mini = profile({ provider: 'wechat-mini' })
      const newer = await ctx.storage.upsertCustomer({ id: id('cus'), profile: mini, now: T0 + 1 })
      for (const c of [older.customer.id, newer.customer.id]) {
        const o = order({ customerId: c, sku: s })
        await ctx.storage.createOrder(o)
        await ctx.storage.markPaid({
          orderId: o.order.id,
          delivery: null,
          payment: payment(o.order),
          now: T0 + 5,
        })
      }
      await ctx.storage.upsertCustomer({ id: id('cus'), profile: { ...mini, unionId: 'u_rfm' }, now: T0 + 9 })
      const two = await ctx.storage.listCustomers({ where: { orders: { min: 2 } }, limit: 10 })
      expect(two.customers.map((c) => c.id)).toEqual([older.customer.id])
      const spent = { spent: { currency: s.currency, min: 2 * s.price, max: 2 * s.price } }
      expect(await ctx.storage.countCustomers({ where: spent })).toEqual({ count: 1 })
    })

    it('counts an order moved by a plain transition, and drops one refunded that way', async () => {
      const s = sku({ stock: null })
      await ctx.storage.putSku({ sku: s })
      const c = await ctx.storage.upsertCustomer({ id: id('cus'), profile: profile(), now: T0 })
      const o = order({ customerId: c.customer.id, sku: s })
      await ctx.storage.createOrder(o)
      const where: AudienceFilter = { orders: { min: 1 } }
      await ctx.storage.transitionOrder({
        id: o.order.id,
        from: ['pending'],
        to: 'paid',
        patch: { paidAt: T0 + 5 },
        now: T0 + 5,
      })
      expect(await ctx.storage.countCustomers({ where })).toEqual({ count: 1 })
      expect(await ctx.storage.countCustomers({ where: { lastOrderWithinDays: 1 }, now: T0 + 10 })).toEqual({
        count: 1,
      })
      await ctx.storage.transitionOrder({ id: o.order.id, from: ['paid'], to: 'fulfilled', now: T0 + 6 })
      expect(await ctx.storage.countCustomers({ where })).toEqual({ count: 1 })
      await ctx.storage.transitionOrder({ id: o.order.id, from: ['fulfilled'], to: 'refunded', now: T0 + 7 })
      expect(await ctx.storage.countCustomers({ where })).toEqual({ count: 0 })
      expect(
        await ctx.storage.countCustomers({ where: { spent: { currency: s.currency, min: 1 } } }),
      ).toEqual({
        count: 0,
      })
    })
  })

  describe('audiences: saved segments', () => {
    const audience = (over: Partial<Audience> = {}): Audience => ({
      id: 'lapsed-vip',
      name: 'Lapsed VIPs',
      where: { all: [{ tag: 'vip' }, { not: { lastOrderWithinDays: 90 } }] },
      createdAt: T0,
      updatedAt: T0,
      ...over,
    })

    it('stores, finds and lists audiences; a replace keeps createdAt', async () => {
      const a = audience()
      expect(await ctx.storage.putAudience({ audience: a })).toEqual(a)
      expect(await ctx.storage.getAudience({ id: a.id })).toEqual(a)
      const replaced = await ctx.storage.putAudience({
        audience: audience({ name: null, where: { tag: 'vip' }, createdAt: T0 + 50, updatedAt: T0 + 50 }),
      })
      expect(replaced).toEqual({ ...a, name: null, where: { tag: 'vip' }, updatedAt: T0 + 50 })
      const b = audience({ id: 'a-first', name: null, where: { followed: true } })
      await ctx.storage.putAudience({ audience: b })
      expect(await ctx.storage.listAudiences({})).toEqual([b, replaced])
      expect(await ctx.storage.getAudience({ id: 'missing' })).toBeNull()
    })
  })
}
