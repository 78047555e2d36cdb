import { describe, expect, it } from 'vitest'
import type { SuiteContext } from './context.js'
import { T0 } from './fixtures.js'

export function cacheCases(ctx: SuiteContext): void {
  describe('cache', () => {
    it('stores a value until its TTL runs out', async () => {
      expect(await ctx.storage.cacheSet({ key: 'token', value: 'abc', ttlMs: 1000, now: T0 })).toEqual({
        stored: true,
      })
      expect(await ctx.storage.cacheGet({ key: 'token', now: T0 + 999 })).toBe('abc')
      expect(await ctx.storage.cacheGet({ key: 'token', now: T0 + 1000 })).toBeNull()
      expect(await ctx.storage.cacheGet({ key: 'missing', now: T0 })).toBeNull()
    })

    it('overwrites a value unless asked to store only when absent', async () => {
      await ctx.storage.cacheSet({ key: 'k', value: 'one', ttlMs: 1000, now: T0 })
      await ctx.storage.cacheSet({ key: 'k', value: 'two', ttlMs: 1000, now: T0 })
      expect(await ctx.storage.cacheGet({ key: 'k', now: T0 })).toBe('two')
      expect(
        await ctx.storage.cacheSet({ key: 'k', value: 'three', ttlMs: 1000, now: T0 + 1, ifAbsent: true }),
      ).toEqual({ stored: false })
      expect(await ctx.storage.cacheGet({ key: 'k', now: T0 + 1 })).toBe('two')
      expect(
        await ctx.storage.cacheSet({ key: 'k', value: 'four', ttlMs: 1000, now: T0 + 1000, ifAbsent: true }),
      ).toEqual({ stored: true })
      expect(await ctx.storage.cacheGet({ key: 'k', now: T0 + 1000 })).toBe('four')
    })

    it('deletes a value, or only when it still holds the expected value', async () => {
      await ctx.storage.cacheSet({ key: 'lock', value: 'me', ttlMs: 1000, now: T0 })
      expect(await ctx.storage.cacheDelete({ key: 'lock', ifValue: 'someone-else' })).toEqual({
        deleted: false,
      })
      expect(await ctx.storage.cacheGet({ key: 'lock', now: T0 })).toBe('me')
      expect(await ctx.storage.cacheDelete({ key: 'lock', ifValue: 'me' })).toEqual({ deleted: true })
      expect(await ctx.storage.cacheGet({ key: 'lock', now: T0 })).toBeNull()
      await ctx.storage.cacheSet({ key: 'plain', value: 'x', ttlMs: 1000, now: T0 })
      expect(await ctx.storage.cacheDelete({ key: 'plain' })).toEqual({ deleted: true })
      expect(await ctx.storage.cacheDelete({ key: 'plain' })).toEqual({ deleted: false })
    })

    it('gives a lock to exactly one of many concurrent takers', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          ctx.storage.cacheSet({
            key: 'refresh-lock',
            value: `worker_${i}`,
            ttlMs: 5000,
            now: T0,
            ifAbsent: true,
          }),
        ),
      )
      const winners = results.flatMap((r, i) => (r.stored ? [`worker_${i}`] : []))
      expect(winners).toHaveLength(1)
      expect(await ctx.storage.cacheGet({ key: 'refresh-lock', now: T0 })).toBe(winners[0])
    })

    it('keeps values byte for byte', async () => {
      const value = JSON.stringify({ token: 'ä-ü-鸭-🦆', n: 1 })
      await ctx.storage.cacheSet({ key: 'k:ü', value, ttlMs: 1000, now: T0 })
      expect(await ctx.storage.cacheGet({ key: 'k:ü', now: T0 })).toBe(value)
    })
  })
}
