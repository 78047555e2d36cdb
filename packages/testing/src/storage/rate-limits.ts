import type { StorageAdapter, TakeTokensInput } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import type { SuiteContext } from './context.js'
import { T0 } from './fixtures.js'

type Take = (
  input: Partial<TakeTokensInput> & { now: number },
) => ReturnType<NonNullable<StorageAdapter['takeTokens']>>

/**
 * Cases for the optional `takeTokens` (the loop's rate limits across instances). An adapter without
 * it skips them, with the reason: the loop then counts per process only.
 */
export function rateLimitCases(ctx: SuiteContext): void {
  const takeOf = (skip: (note: string) => never): Take => {
    const storage = ctx.storage
    if (!storage.takeTokens) skip('this adapter has no takeTokens: rate limits count per process')
    return (input) =>
      storage.takeTokens!({ key: 'rl:test', capacity: 3, refillPerSecond: 1, cost: 1, ...input })
  }

  describe('rate limits (takeTokens)', () => {
    it('starts a bucket full, takes its capacity, then refuses with the time to the next token', async ({
      skip,
    }) => {
      const take = takeOf(skip)
      for (let i = 0; i < 3; i++) expect(await take({ now: T0 })).toEqual({ allowed: true, retryAfterMs: 0 })
      expect(await take({ now: T0 })).toEqual({ allowed: false, retryAfterMs: 1000 })
      expect(await take({ now: T0 + 400 })).toEqual({ allowed: false, retryAfterMs: 600 })
    })

    it('refills with time, never beyond capacity', async ({ skip }) => {
      const take = takeOf(skip)
      for (let i = 0; i < 3; i++) await take({ now: T0 })
      expect((await take({ now: T0 + 1000 })).allowed).toBe(true)
      expect((await take({ now: T0 + 1000 })).allowed).toBe(false)
      // A day idle refills to 3, not 86,400.
      const later = T0 + 86_400_000
      const results = [await take({ now: later }), await take({ now: later }), await take({ now: later })]
      expect(results.every((r) => r.allowed)).toBe(true)
      expect((await take({ now: later })).allowed).toBe(false)
    })

    it('takes a cost of several tokens, and a refused take takes nothing', async ({ skip }) => {
      const take = takeOf(skip)
      expect((await take({ now: T0, cost: 2 })).allowed).toBe(true)
      expect(await take({ now: T0, cost: 2 })).toEqual({ allowed: false, retryAfterMs: 1000 })
      expect((await take({ now: T0, cost: 1 })).allowed).toBe(true)
      expect((await take({ now: T0, cost: 1 })).allowed).toBe(false)
    })

    it('refills fractional rates exactly', async ({ skip }) => {
      const take = takeOf(skip)
      const slow = { capacity: 1, refillPerSecond: 0.25 }
      expect((await take({ now: T0, ...slow })).allowed).toBe(true)
      expect(await take({ now: T0 + 1000, ...slow })).toEqual({ allowed: false, retryAfterMs: 3000 })
      expect((await take({ now: T0 + 3999, ...slow })).allowed).toBe(false)
      expect((await take({ now: T0 + 4000, ...slow })).allowed).toBe(true)
    })

    it('keeps keys apart', async ({ skip }) => {
      const take = takeOf(skip)
      for (let i = 0; i < 3; i++) await take({ now: T0, key: 'rl:a' })
      expect((await take({ now: T0, key: 'rl:a' })).allowed).toBe(false)
      expect((await take({ now: T0, key: 'rl:b' })).allowed).toBe(true)
      expect((await take({ now: T0, key: 'rl:ä-鸭' })).allowed).toBe(true)
    })

    it('refills nothing for a clock behind the stored one (another instance’s clock)', async ({ skip }) => {
      const take = takeOf(skip)
      for (let i = 0; i < 3; i++) await take({ now: T0 + 5000 })
      expect((await take({ now: T0 })).allowed).toBe(false)
      // The bucket still refills from the later time, not from the earlier one.
      expect((await take({ now: T0 + 5999 })).allowed).toBe(false)
      expect((await take({ now: T0 + 6000 })).allowed).toBe(true)
    })

    it('grants exactly the capacity to 200 concurrent takers of one bucket', async ({ skip }) => {
      const take = takeOf(skip)
      const results = await Promise.all(
        Array.from({ length: 200 }, () =>
          take({ now: T0, key: 'rl:hot', capacity: 25, refillPerSecond: 0.001 }),
        ),
      )
      expect(results.filter((r) => r.allowed)).toHaveLength(25)
      expect(results.filter((r) => !r.allowed).every((r) => r.retryAfterMs > 0)).toBe(true)
    })

    it('keeps concurrent takers of many buckets apart', async ({ skip }) => {
      const take = takeOf(skip)
      const results = await Promise.all(
        Array.from({ length: 120 }, (_, i) =>
          take({ now: T0, key: `rl:k${i % 20}`, capacity: 4, refillPerSecond: 0.001 }).then((r) => ({
            i,
            r,
          })),
        ),
      )
      const allowedPerKey = new Map<number, number>()
      for (const { i, r } of results)
        if (r.allowed) allowedPerKey.set(i % 20, (allowedPerKey.get(i % 20) ?? 0) + 1)
      expect([...allowedPerKey.values()]).toEqual(Array.from({ length: 20 }, () => 4))
    })
  })
}
