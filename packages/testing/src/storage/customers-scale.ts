import type { Customer, StorageAdapter } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import type { SuiteContext } from './context.js'
import { pageAll } from './customers-listing.js'
import { T0 } from './fixtures.js'

/** The scale case's pool size (the issue asks for 100,000). */
export const SCALE_CUSTOMERS = 100_000

/**
 * The i-th customer of the scale pool: one in 10 tagged `vip`, one in 3 following, odd ones on
 * WeChat, created one millisecond apart, ids in creation order.
 */
export function scaleCustomer(i: number): Customer {
  const provider = i % 2 === 1 ? 'wechat' : 'sandbox'
  return {
    id: `cus_${String(i).padStart(8, '0')}`,
    identities: [{ provider, subject: `scale_${i}` }],
    displayName: null,
    avatarUrl: null,
    tags: i % 10 === 0 ? ['vip'] : [],
    consents: [],
    referredBy: null,
    followedAt: i % 3 === 0 ? T0 : null,
    unfollowedAt: null,
    lastInteractionAt: null,
    timeZone: null,
    createdAt: T0 + i,
    updatedAt: T0 + i,
  }
}

/**
 * Seeds through the public operations, in concurrent batches. Adapters whose per-operation cost
 * makes 100,000 of these too slow for CI pass `seedCustomers` to the suite instead.
 */
export async function seedThroughContract(storage: StorageAdapter, customers: Customer[]): Promise<void> {
  const batch = 500
  for (let i = 0; i < customers.length; i += batch) {
    await Promise.all(
      customers.slice(i, i + batch).map(async (c) => {
        const [identity] = c.identities
        await storage.upsertCustomer({ id: c.id, profile: identity!, now: c.createdAt })
        if (c.tags.length > 0) await storage.updateCustomer({ id: c.id, addTags: c.tags, now: c.updatedAt })
        if (c.followedAt !== null)
          await storage.recordActivity({ customerId: c.id, followed: true, now: c.followedAt })
      }),
    )
  }
}

export function customerScaleCases(
  ctx: SuiteContext,
  seed: (storage: StorageAdapter, customers: Customer[]) => Promise<void>,
): void {
  describe(`customer listing at scale (${SCALE_CUSTOMERS.toLocaleString('en')} customers)`, () => {
    it('counts and pages segments of the whole pool exactly', { timeout: 300_000 }, async () => {
      const pool = Array.from({ length: SCALE_CUSTOMERS }, (_, i) => scaleCustomer(i))
      await seed(ctx.storage, pool)
      const expectIds = (keep: (i: number) => boolean) => pool.filter((_, i) => keep(i)).map((c) => c.id)

      expect(await ctx.storage.countCustomers({})).toEqual({ count: SCALE_CUSTOMERS })
      expect(await ctx.storage.countCustomers({ where: { tag: 'vip' } })).toEqual({ count: 10_000 })
      expect(await ctx.storage.countCustomers({ where: { followed: true } })).toEqual({ count: 33_334 })
      expect(
        await ctx.storage.countCustomers({ where: { all: [{ tag: 'vip' }, { followed: true }] } }),
      ).toEqual({ count: 3_334 })
      expect(await ctx.storage.countCustomers({ where: { createdAfter: T0 + 49_999 } })).toEqual({
        count: 50_000,
      })

      const segment = await pageAll(ctx.storage, {
        where: { all: [{ provider: 'wechat' }, { followed: true }] },
        limit: 1000,
      })
      expect(segment.ids).toEqual(expectIds((i) => i % 6 === 3))

      const everyone = await pageAll(ctx.storage, { limit: 5000 })
      // A last page that is exactly full already says `next: null`.
      expect(everyone.pages).toBe(SCALE_CUSTOMERS / 5000)
      expect(everyone.ids).toEqual(pool.map((c) => c.id))
    })
  })
}
