import type { RollupCohort, RollupStorage } from '../../contracts/rollups.js'
import { key } from './state.js'

interface Buyer {
  orders: number
  firstAt: number
  month: string
  secondAt: number | null
}

/** The rollup tables of a memory storage (the reference the SQL adapters are checked against). */
export interface MemoryRollups {
  cursor: number
  /** `day \0 metric \0 dim \0 key` → value. */
  counts: Map<string, number>
  /** `day \0 step \0 key \0 person`. */
  people: Set<string>
  buyers: Map<string, Buyer>
}

function matches(metric: string, wanted: readonly string[]): boolean {
  return wanted.some(
    (w) => w === '*' || w === metric || (w.endsWith(':*') && metric.startsWith(w.slice(0, -1))),
  )
}

export function rollupOps(): RollupStorage {
  const r: MemoryRollups = { cursor: 0, counts: new Map(), people: new Set(), buyers: new Map() }
  const ops: RollupStorage = {
    async rollupCursor() {
      return { cursor: r.cursor }
    },

    async applyRollups({ from, to, batch }) {
      if (r.cursor !== from) return { applied: false }
      for (const c of batch.counts) {
        const k = key(c.day, c.metric, c.dim, c.key)
        r.counts.set(k, (r.counts.get(k) ?? 0) + c.value)
      }
      for (const p of batch.people) r.people.add(key(p.day, p.step, p.key, p.person))
      for (const p of batch.purchases) {
        const b = r.buyers.get(p.customerId)
        if (!b) r.buyers.set(p.customerId, { orders: 1, firstAt: p.at, month: p.month, secondAt: null })
        else {
          // Keep the two earliest, whatever order purchases arrive in.
          if (p.at < b.firstAt) {
            b.secondAt = b.firstAt
            b.firstAt = p.at
            b.month = p.month
          } else if (b.secondAt === null || p.at < b.secondAt) b.secondAt = p.at
          b.orders += 1
        }
      }
      r.cursor = to
      return { applied: true }
    },

    async sumRollups({ fromDay, toDay, metrics, dim, byDay, keys }) {
      const only = keys ? new Set(keys) : null
      const sums = new Map<string, { day: string | null; metric: string; key: string; value: number }>()
      for (const [k, value] of r.counts) {
        const [day, metric, d, kk] = k.split('\u0000') as [string, string, string, string]
        if (d !== dim || day < fromDay || day > toDay || !matches(metric, metrics)) continue
        if (only && !only.has(kk)) continue
        const id = key(byDay ? day : '', metric, kk)
        const row = sums.get(id)
        if (row) row.value += value
        else sums.set(id, { day: byDay ? day : null, metric, key: kk, value })
      }
      // Without days, a sum of 0 is left out (as the SQL adapters, which may read it from totals).
      return [...sums.values()].filter((row) => byDay || row.value !== 0)
    },

    async countRollupPeople({ fromDay, toDay, steps, byKey }) {
      const distinct = new Map<string, { step: string; key: string | null; persons: Set<string> }>()
      for (const k of r.people) {
        const [day, step, kk, person] = k.split('\u0000') as [string, string, string, string]
        if (day < fromDay || day > toDay || !steps.includes(step)) continue
        const id = key(step, byKey ? kk : '')
        let g = distinct.get(id)
        if (!g) {
          g = { step, key: byKey ? kk : null, persons: new Set() }
          distinct.set(id, g)
        }
        g.persons.add(person)
      }
      return [...distinct.values()].map((g) => ({ step: g.step, key: g.key, people: g.persons.size }))
    },

    async topRollupKeys({ fromDay, toDay, step, dim, metric, limit }) {
      const range = { fromDay, toDay }
      const [people, sums] = [
        await ops.countRollupPeople({ ...range, steps: [step], byKey: true }),
        await ops.sumRollups({ ...range, dim, metrics: [metric] }),
      ]
      const ranks = new Map<string, { key: string; people: number; value: number }>()
      const rank = (k: string) => ranks.get(k) ?? ranks.set(k, { key: k, people: 0, value: 0 }).get(k)!
      for (const p of people) if (p.key) rank(p.key).people = p.people
      for (const x of sums) rank(x.key).value = x.value
      return [...ranks.values()]
        .sort((a, b) => b.people - a.people || b.value - a.value || (a.key < b.key ? -1 : 1))
        .slice(0, limit)
    },

    async rollupCohorts({ fromMonth, toMonth }) {
      const out = new Map<string, RollupCohort>()
      for (const b of r.buyers.values()) {
        if (b.month < fromMonth || b.month > toMonth) continue
        let c = out.get(b.month)
        if (!c) {
          c = { month: b.month, buyers: 0, repeaters: 0, secondOrderMs: 0 }
          out.set(b.month, c)
        }
        c.buyers += 1
        if (b.secondAt !== null) {
          c.repeaters += 1
          c.secondOrderMs += b.secondAt - b.firstAt
        }
      }
      return [...out.values()].sort((a, b) => a.month.localeCompare(b.month))
    },
  }
  return ops
}
