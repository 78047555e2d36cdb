import { foldRollups, type RollupBatch, type StorageAdapter } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import type { SuiteContext } from './context.js'
import { seedHistory } from './rollup-history.js'

const batch = (over: Partial<RollupBatch> = {}): RollupBatch => ({
  counts: [],
  people: [],
  purchases: [],
  ...over,
})

/** The rollup capability, or a skip with the reason for an adapter that does not offer it. */
function rollups(storage: StorageAdapter) {
  if (!storage.applyRollups) throw new Error('[loopkit] [testing] This adapter has no rollup operations.')
  return storage as Required<
    Pick<
      StorageAdapter,
      'applyRollups' | 'rollupCursor' | 'sumRollups' | 'countRollupPeople' | 'rollupCohorts'
    >
  >
}

export function rollupCases(ctx: SuiteContext): void {
  describe('analytics rollups', () => {
    it('applies a batch once: the cursor moves by compare-and-set, a stale `from` changes nothing', async () => {
      const s = rollups(ctx.storage)
      expect(await s.rollupCursor({})).toEqual({ cursor: 0 })
      const b = batch({ counts: [{ day: '2026-01-01', metric: 'orders', dim: 'all', key: '', value: 2 }] })
      expect(await s.applyRollups({ from: 0, to: 5, batch: b })).toEqual({ applied: true })
      expect(await s.applyRollups({ from: 0, to: 5, batch: b })).toEqual({ applied: false })
      expect(await s.rollupCursor({})).toEqual({ cursor: 5 })
      const sums = await s.sumRollups({
        fromDay: '2026-01-01',
        toDay: '2026-01-01',
        metrics: ['orders'],
        dim: 'all',
      })
      expect(sums).toEqual([{ day: null, metric: 'orders', key: '', value: 2 }])
    })

    it('of two concurrent applies from the same cursor exactly one wins', async () => {
      const s = rollups(ctx.storage)
      const b = batch({ counts: [{ day: '2026-01-01', metric: 'visits', dim: 'all', key: '', value: 1 }] })
      const results = await Promise.all(
        Array.from({ length: 8 }, () => s.applyRollups({ from: 0, to: 3, batch: b })),
      )
      expect(results.filter((r) => r.applied)).toHaveLength(1)
      const sums = await s.sumRollups({
        fromDay: '2026-01-01',
        toDay: '2026-01-01',
        metrics: ['visits'],
        dim: 'all',
      })
      expect(sums[0]?.value).toBe(1)
    })

    it('sums counters by metric, prefix, key and day; negative values net out', async () => {
      const s = rollups(ctx.storage)
      const c = (day: string, metric: string, dim: string, key: string, value: number) => ({
        day,
        metric,
        dim,
        key,
        value,
      })
      await s.applyRollups({
        from: 0,
        to: 1,
        batch: batch({
          counts: [
            c('2026-01-01', 'revenue:CNY', 'sharer', 'a', 8800),
            c('2026-01-02', 'revenue:CNY', 'sharer', 'a', 100),
            c('2026-01-02', 'revenue:USD', 'sharer', 'b', 50),
            c('2026-01-02', 'orders', 'sharer', 'b', 1),
            c('2026-01-02', 'revenue:CNY', 'all', '', 999),
            c('2026-01-03', 'revenue:CNY', 'sharer', 'a', 5),
          ],
        }),
      })
      await s.applyRollups({
        from: 1,
        to: 2,
        batch: batch({ counts: [c('2026-01-01', 'revenue:CNY', 'sharer', 'a', -800)] }),
      })
      const sort = <T extends { metric: string; key: string; day: string | null }>(rows: T[]) =>
        [...rows].sort((x, y) => `${x.day}${x.metric}${x.key}`.localeCompare(`${y.day}${y.metric}${y.key}`))
      const range = { fromDay: '2026-01-01', toDay: '2026-01-02', dim: 'sharer' }
      expect(sort(await s.sumRollups({ ...range, metrics: ['revenue:*'] }))).toEqual([
        { day: null, metric: 'revenue:CNY', key: 'a', value: 8100 },
        { day: null, metric: 'revenue:USD', key: 'b', value: 50 },
      ])
      expect(sort(await s.sumRollups({ ...range, metrics: ['revenue:CNY'], byDay: true }))).toEqual([
        { day: '2026-01-01', metric: 'revenue:CNY', key: 'a', value: 8000 },
        { day: '2026-01-02', metric: 'revenue:CNY', key: 'a', value: 100 },
      ])
      expect(await s.sumRollups({ ...range, metrics: ['*'] })).toHaveLength(3)
      expect(await s.sumRollups({ ...range, metrics: [] })).toEqual([])
    })

    it('counts distinct people per step, across days and per key; repeats are ignored', async () => {
      const s = rollups(ctx.storage)
      const p = (day: string, step: string, person: string, key = '') => ({ day, step, key, person })
      await s.applyRollups({
        from: 0,
        to: 1,
        batch: batch({
          people: [
            p('2026-01-01', 'logged_in', 'a'),
            p('2026-01-02', 'logged_in', 'a'),
            p('2026-01-02', 'logged_in', 'b'),
          ],
        }),
      })
      await s.applyRollups({
        from: 1,
        to: 2,
        batch: batch({
          people: [
            p('2026-01-01', 'logged_in', 'a'),
            p('2026-01-05', 'logged_in', 'c'),
            p('2026-01-01', 'friend_bought', 'f1', 'a'),
            p('2026-01-02', 'friend_bought', 'f1', 'a'),
            p('2026-01-02', 'friend_bought', 'f2', 'a'),
            p('2026-01-02', 'friend_bought', 'f1', 'b'),
          ],
        }),
      })
      const range = { fromDay: '2026-01-01', toDay: '2026-01-02' }
      expect(await s.countRollupPeople({ ...range, steps: ['logged_in'] })).toEqual([
        { step: 'logged_in', key: null, people: 2 },
      ])
      const perKey = await s.countRollupPeople({ ...range, steps: ['friend_bought'], byKey: true })
      expect([...perKey].sort((x, y) => String(x.key).localeCompare(String(y.key)))).toEqual([
        { step: 'friend_bought', key: 'a', people: 2 },
        { step: 'friend_bought', key: 'b', people: 1 },
      ])
      expect(await s.countRollupPeople({ ...range, steps: ['friend_bought'] })).toEqual([
        { step: 'friend_bought', key: null, people: 2 },
      ])
    })

    it('cohorts: the earliest paid order sets the month, the second earliest the time to repurchase', async () => {
      const s = rollups(ctx.storage)
      const buy = (customerId: string, at: string) => ({
        customerId,
        at: Date.parse(at),
        month: at.slice(0, 7),
      })
      await s.applyRollups({
        from: 0,
        to: 1,
        batch: batch({
          purchases: [
            buy('a', '2026-02-10T00:00:00Z'),
            buy('b', '2026-01-05T00:00:00Z'),
            buy('a', '2026-02-12T00:00:00Z'),
          ],
        }),
      })
      // Arrives late, but happened first: a's cohort becomes January, its second order Feb 10.
      await s.applyRollups({
        from: 1,
        to: 2,
        batch: batch({ purchases: [buy('a', '2026-01-30T00:00:00Z')] }),
      })
      expect(await s.rollupCohorts({ fromMonth: '2026-01', toMonth: '2026-03' })).toEqual([
        { month: '2026-01', buyers: 2, repeaters: 1, secondOrderMs: 11 * 86_400_000 },
      ])
    })

    it(
      'a seeded history across months and zones folds to the numbers computed from its plan',
      { timeout: 120_000 },
      async () => {
        const zone = 'America/Los_Angeles'
        const x = await seedHistory(ctx.storage, { customers: 1500, zone })
        expect(x.zoneSensitive).toBeGreaterThan(100)
        // Two instances fold at once, in small batches: every event still counts exactly once.
        const folds = await Promise.all([
          foldRollups({ storage: ctx.storage, zone, batchSize: 500 }),
          foldRollups({ storage: ctx.storage, zone, batchSize: 700 }),
        ])
        const events = (await ctx.storage.listEvents({ limit: 1_000_000 })).length
        expect(folds[0].folded + folds[1].folded).toBe(events)
        const s = rollups(ctx.storage)
        const range = { fromDay: '2025-12-01', toDay: '2026-05-31' }
        const people = await s.countRollupPeople({ ...range, steps: ['logged_in', 'checked_out', 'paid'] })
        expect(Object.fromEntries(people.map((p) => [p.step, p.people]))).toEqual({
          logged_in: x.loggedIn,
          checked_out: x.checkedOut,
          paid: x.paid,
        })
        const revenue = await s.sumRollups({ ...range, dim: 'all', metrics: ['revenue:CNY'], byDay: true })
        expect(new Map(revenue.filter((r) => r.value !== 0).map((r) => [r.day, r.value]))).toEqual(
          new Map([...x.revenueByDay].filter(([, v]) => v !== 0)),
        )
        const friends = await s.countRollupPeople({ ...range, steps: ['friend_bought'], byKey: true })
        expect(new Map(friends.map((f) => [f.key, f.people]))).toEqual(x.friendsBySharer)
        const orders = await s.sumRollups({ ...range, dim: 'sharer', metrics: ['orders'] })
        expect(new Map(orders.map((o) => [o.key, o.value]))).toEqual(x.ordersBySharer)
        const cohorts = await s.rollupCohorts({ fromMonth: '2025-12', toMonth: '2026-05' })
        expect(new Map(cohorts.map(({ month, ...c }) => [month, c]))).toEqual(x.cohorts)
      },
    )
  })
}
