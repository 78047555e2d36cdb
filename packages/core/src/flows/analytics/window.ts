import * as z from 'zod/mini'
import type { RollupStorage } from '../../contracts/rollups.js'
import type { StorageAdapter } from '../../contracts/storage.js'
import { loopError } from '../../errors.js'
import type { Runtime } from '../../loop/runtime.js'
import { checkDay, dayOf } from './days.js'
import { foldRollups, rollupStorage } from './fold.js'

/** A window of whole days in the analytics time zone, both ends included (`YYYY-MM-DD`). */
export interface AnalyticsWindow {
  from?: string
  to?: string
}

/** The analytics settings a query needs. */
export interface AnalyticsContext {
  storage: StorageAdapter & RollupStorage
  zone: string
  from: string
  to: string
}

const day = z.optional(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day as YYYY-MM-DD')))
/** The window part of every analytics query; each query extends it with its own fields. */
export const windowShape = { from: day, to: day }

/** How many batches a read folds before answering, so it is fresh without waiting unboundedly. */
const READ_FOLD_BATCHES = 20

/**
 * Resolves a query's window (default: the 30 days ending today) after folding the newest events,
 * so a read sees what was just committed (up to {@link READ_FOLD_BATCHES} batches behind).
 */
export async function openWindow(rt: Runtime, input: AnalyticsWindow = {}): Promise<AnalyticsContext> {
  const storage = rollupStorage(rt.storage)
  const zone = rt.options.analytics?.zone ?? 'UTC'
  const to = input.to === undefined ? dayOf(rt.now(), zone) : checkDay(input.to, 'to')
  const from =
    input.from === undefined
      ? dayOf(Date.parse(`${to}T12:00:00Z`) - 29 * 86_400_000, zone)
      : checkDay(input.from, 'from')
  if (from > to) throw loopError('analytics', 'invalid_input', '`from` must not be after `to`.')
  await foldRollups({ storage, zone, maxBatches: READ_FOLD_BATCHES })
  return { storage, zone, from, to }
}

/** Money by currency from summed `<prefix>:<currency>` metrics. */
export function byCurrency(rows: ReadonlyArray<{ metric: string; value: number }>, prefix: string) {
  const out: Record<string, number> = {}
  for (const r of rows)
    if (r.metric.startsWith(`${prefix}:`)) {
      const c = r.metric.slice(prefix.length + 1)
      out[c] = (out[c] ?? 0) + r.value
    }
  return out
}

/** The share of `a` in `b`, or 0 when `b` is 0, rounded to 4 decimals. */
export function ratio(a: number, b: number): number {
  return b > 0 ? Math.round((a / b) * 10_000) / 10_000 : 0
}
