import type { RollupCount, RollupPresence, StorageAdapter } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import type { SuiteContext } from './context.js'

/** A small deterministic PRNG (mulberry32), so every adapter gets the same rows. */
function prng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString().slice(0, 10)
/** Windows at the start, middle and end of 40 days of rows, all time, one day, and outside them. */
const windows: Array<[number, number]> = [
  [-10, 60],
  [0, 39],
  [0, 4],
  [3, 3],
  [5, 30],
  [12, 18],
  [20, 20],
  [25, 39],
  [30, 45],
  [36, 39],
  [39, 39],
  [41, 50],
  [-5, -1],
]

function rollups(storage: StorageAdapter) {
  if (!storage.applyRollups) throw new Error('[loopkit] [testing] This adapter has no rollup operations.')
  return storage as Required<
    Pick<StorageAdapter, 'applyRollups' | 'rollupCursor' | 'sumRollups' | 'countRollupPeople'>
  > &
    Pick<StorageAdapter, 'topRollupKeys'>
}

const byStep = (rows: ReadonlyArray<{ step: string; key: string | null; people: number }>) =>
  Object.fromEntries(rows.map((r) => [`${r.step}/${r.key}`, r.people]).sort())

/** Exact numbers for every window, whatever a read does to avoid scanning each day. */
export function rollupWindowCases(ctx: SuiteContext): void {
  describe('analytics rollups by window', () => {
    it('distinct people in any window, across keys and per key, with days arriving out of order', async () => {
      const s = rollups(ctx.storage)
      const rand = prng(10)
      const rows: RollupPresence[] = []
      for (let i = 0; i < 900; i++) {
        const person = `p${Math.floor(rand() * 60)}`
        // Later batches reach back in time: a person's new day lands before, between and after
        // days already recorded.
        const d = day(Math.floor(rand() * 40))
        if (rand() < 0.5) rows.push({ day: d, step: 'logged_in', key: '', person })
        else rows.push({ day: d, step: 'friend_bought', key: `s${Math.floor(rand() * 4)}`, person })
      }
      for (let i = 0; i < rows.length; i += 150)
        await s.applyRollups({
          from: i,
          to: i + 150,
          batch: { counts: [], people: rows.slice(i, i + 150), purchases: [] },
        })
      for (const [a, b] of windows) {
        const [fromDay, toDay] = [day(a), day(b)]
        const inside = rows.filter((r) => r.day >= fromDay && r.day <= toDay)
        const across: Record<string, number> = {}
        const perKey: Record<string, number> = {}
        for (const step of ['friend_bought', 'logged_in']) {
          const here = inside.filter((r) => r.step === step)
          const people = new Set(here.map((r) => r.person)).size
          if (people) across[`${step}/null`] = people
          for (const key of new Set(here.map((r) => r.key)))
            perKey[`${step}/${key}`] = new Set(here.filter((r) => r.key === key).map((r) => r.person)).size
        }
        const steps = ['logged_in', 'friend_bought']
        const window = `${fromDay}..${toDay}`
        expect(byStep(await s.countRollupPeople({ fromDay, toDay, steps })), window).toEqual(
          Object.fromEntries(Object.entries(across).sort()),
        )
        expect(byStep(await s.countRollupPeople({ fromDay, toDay, steps, byKey: true })), window).toEqual(
          Object.fromEntries(Object.entries(perKey).sort()),
        )
      }
    })

    it('sums counters over any window; sums of 0 are left out unless asked by day', async () => {
      const s = rollups(ctx.storage)
      const rand = prng(11)
      const counts: RollupCount[] = []
      for (let i = 0; i < 600; i++)
        counts.push({
          day: day(Math.floor(rand() * 40)),
          metric: rand() < 0.5 ? 'visits' : 'revenue:CNY',
          dim: 'sharer',
          key: `s${Math.floor(rand() * 12)}`,
          value: Math.floor(rand() * 200) - 50,
        })
      // A refund that nets one key's revenue to 0 on one day.
      counts.push({ day: day(2), metric: 'revenue:CNY', dim: 'sharer', key: 'zero', value: 300 })
      counts.push({ day: day(2), metric: 'revenue:CNY', dim: 'sharer', key: 'zero', value: -300 })
      for (let i = 0; i < counts.length; i += 100) {
        // One batch holds one row per (day, metric, dim, key), as the fold writes it.
        const merged = new Map<string, RollupCount>()
        for (const c of counts.slice(i, i + 100)) {
          const id = `${c.day}|${c.metric}|${c.key}`
          const m = merged.get(id)
          if (m) m.value += c.value
          else merged.set(id, { ...c })
        }
        await s.applyRollups({
          from: i,
          to: i + 100,
          batch: { counts: [...merged.values()], people: [], purchases: [] },
        })
      }
      for (const [a, b] of windows) {
        const [fromDay, toDay] = [day(a), day(b)]
        const want = new Map<string, number>()
        for (const c of counts)
          if (c.day >= fromDay && c.day <= toDay)
            want.set(`${c.metric}/${c.key}`, (want.get(`${c.metric}/${c.key}`) ?? 0) + c.value)
        const got = await s.sumRollups({ fromDay, toDay, dim: 'sharer', metrics: ['visits', 'revenue:*'] })
        expect(
          Object.fromEntries(got.map((r) => [`${r.metric}/${r.key}`, r.value]).sort()),
          `${fromDay}..${toDay}`,
        ).toEqual(Object.fromEntries([...want].filter(([, v]) => v !== 0).sort()))
      }
      const zero = await s.sumRollups({
        fromDay: day(2),
        toDay: day(2),
        dim: 'sharer',
        metrics: ['revenue:CNY'],
        byDay: true,
      })
      expect(zero.find((r) => r.key === 'zero')).toEqual({
        day: day(2),
        metric: 'revenue:CNY',
        key: 'zero',
        value: 0,
      })
    })

    it('ranks keys by people, then a counter, then key; reads the counters of chosen keys only', async (t) => {
      const s = rollups(ctx.storage)
      if (!s.topRollupKeys)
        return t.skip('optional: this adapter does not rank keys (analytics ranks them itself)')
      const rand = prng(12)
      const people: RollupPresence[] = []
      const counts: RollupCount[] = []
      const keyOf = () => `s${Math.floor(rand() * 30)}${rand() < 0.5 ? 'A' : 'a'}`
      for (let i = 0; i < 400; i++) {
        const d = day(Math.floor(rand() * 40))
        people.push({ day: d, step: 'friend_bought', key: keyOf(), person: `p${Math.floor(rand() * 40)}` })
        counts.push({
          day: d,
          metric: rand() < 0.8 ? 'visits' : 'shares',
          dim: 'sharer',
          key: keyOf(),
          value: 1,
        })
      }
      const merged = new Map<string, RollupCount>()
      for (const c of counts) {
        const id = `${c.day}|${c.metric}|${c.key}`
        const m = merged.get(id)
        if (m) m.value += c.value
        else merged.set(id, { ...c })
      }
      await s.applyRollups({ from: 0, to: 1, batch: { counts: [...merged.values()], people, purchases: [] } })
      for (const [a, b] of windows) {
        const [fromDay, toDay] = [day(a), day(b)]
        const ranks = new Map<string, { key: string; people: Set<string>; value: number }>()
        const rank = (k: string) =>
          ranks.get(k) ?? ranks.set(k, { key: k, people: new Set(), value: 0 }).get(k)!
        for (const p of people) if (p.day >= fromDay && p.day <= toDay) rank(p.key).people.add(p.person)
        for (const c of counts)
          if (c.day >= fromDay && c.day <= toDay && c.metric === 'visits') rank(c.key).value += c.value
        const want = [...ranks.values()]
          .map((r) => ({ key: r.key, people: r.people.size, value: r.value }))
          .sort((x, y) => y.people - x.people || y.value - x.value || (x.key < y.key ? -1 : 1))
        const input = { fromDay, toDay, step: 'friend_bought', dim: 'sharer', metric: 'visits' }
        const window = `${fromDay}..${toDay}`
        expect(await s.topRollupKeys({ ...input, limit: 7 }), window).toEqual(want.slice(0, 7))
        expect(await s.topRollupKeys({ ...input, limit: 500 }), window).toEqual(want)
        const keys = want.slice(0, 3).map((r) => r.key)
        const sums = await s.sumRollups({ fromDay, toDay, dim: 'sharer', metrics: ['*'], keys })
        expect(
          sums.every((r) => keys.includes(r.key)),
          window,
        ).toBe(true)
        expect(
          sums.filter((r) => r.metric === 'visits').reduce((n, r) => n + r.value, 0),
          window,
        ).toBe(want.slice(0, 3).reduce((n, r) => n + r.value, 0))
      }
    })
  })
}
