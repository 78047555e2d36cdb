import type { RollupBatch } from '../../contracts/rollups.js'
import { dayOf, monthOf } from './days.js'

/**
 * Accumulates one fold batch. Counters with the same `(day, metric, dim, key)` are summed here,
 * so a batch writes one row per counter however many events fed it.
 */
export function createBatch(zone: string) {
  const counts = new Map<string, { day: string; metric: string; dim: string; key: string; value: number }>()
  const people = new Map<string, { day: string; step: string; key: string; person: string }>()
  const batch: RollupBatch = { counts: [], people: [], purchases: [] }
  return {
    /**
     * Adds `value` to `metric` on the day of `at`, under `all` (unless `withAll` is false) and each
     * `[dim, key]` given with a key.
     */
    add(
      at: number,
      metric: string,
      value: number,
      dims: ReadonlyArray<readonly [string, string | null]> = [],
      withAll = true,
    ) {
      const day = dayOf(at, zone)
      for (const [dim, key] of withAll ? [['all', ''] as const, ...dims] : dims) {
        if (key === null) continue
        const id = `${day}\u0000${metric}\u0000${dim}\u0000${key}`
        const row = counts.get(id)
        if (row) row.value += value
        else counts.set(id, { day, metric, dim, key, value })
      }
    },
    /** Marks `person` as seen at `step` on the day of `at` (per `key`, default none). */
    seen(at: number, step: string, person: string | null, key = '') {
      if (!person) return
      const day = dayOf(at, zone)
      people.set(`${day}\u0000${step}\u0000${key}\u0000${person}`, { day, step, key, person })
    },
    purchase(customerId: string, at: number) {
      batch.purchases.push({ customerId, at, month: monthOf(at, zone) })
    },
    done(): RollupBatch {
      batch.counts = [...counts.values()].filter((c) => c.value !== 0)
      batch.people = [...people.values()]
      return batch
    },
  }
}

export type BatchBuilder = ReturnType<typeof createBatch>
