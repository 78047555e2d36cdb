import { withDeadline } from '../../_internal/deadline.js'
import type { RollupStorage } from '../../contracts/rollups.js'
import type { StorageAdapter } from '../../contracts/storage.js'
import { loopError } from '../../errors.js'
import { createBatch } from './batch.js'
import { createLookups, foldEvent } from './fold-event.js'

/** Options of {@link foldRollups}. */
export interface FoldRollupsInput {
  storage: StorageAdapter
  /** IANA zone the days are counted in. Default `UTC`. */
  zone?: string
  /** Events per batch. Default 1,000. */
  batchSize?: number
  /** Stop after this many batches even if more events wait. Default: until caught up. */
  maxBatches?: number
  /** The deadline of each storage call. Default 30 s. */
  timeoutMs?: number
}

/** The storage, checked to have the rollup capability. */
export function rollupStorage(storage: StorageAdapter): StorageAdapter & RollupStorage {
  if (
    !storage.applyRollups ||
    !storage.rollupCursor ||
    !storage.sumRollups ||
    !storage.countRollupPeople ||
    !storage.rollupCohorts
  )
    throw loopError('analytics', 'configuration', `The storage \`${storage.name}\` has no rollup operations.`)
  return storage as StorageAdapter & RollupStorage
}

/**
 * Folds the events after the stored cursor into the rollups, a batch at a time. Each batch is
 * applied together with a compare-and-set of the cursor, so when two instances fold at once one
 * of them wins each batch and the other re-reads the cursor: every event is counted exactly once.
 * Returns how many events this call folded.
 *
 * @example
 * ```ts
 * import { foldRollups } from '@loopkit/core'
 * import { memoryStorage } from '@loopkit/core/dev'
 *
 * const { folded } = await foldRollups({ storage: memoryStorage(), zone: 'Asia/Shanghai' })
 * ```
 */
export async function foldRollups(input: FoldRollupsInput): Promise<{ folded: number }> {
  const storage = rollupStorage(input.storage)
  const zone = input.zone ?? 'UTC'
  const size = input.batchSize ?? 1000
  const ms = input.timeoutMs ?? 30_000
  const timed = <T>(call: () => Promise<T>, what: string) =>
    withDeadline(call(), ms, `Rollup ${what}`, 'provider_unavailable')
  let folded = 0
  let lost = 0
  for (let n = 0; n < (input.maxBatches ?? Number.POSITIVE_INFINITY); n++) {
    const { cursor } = await timed(() => storage.rollupCursor({}), 'cursor read')
    const events = await timed(() => storage.listEvents({ after: cursor, limit: size }), 'event read')
    if (events.length === 0) break
    const b = createBatch(zone)
    const look = createLookups(storage)
    await timed(async () => {
      for (const e of events) await foldEvent(e, b, look)
    }, 'fold')
    const to = events[events.length - 1]!.seq
    const { applied } = await timed(
      () => storage.applyRollups({ from: cursor, to, batch: b.done() }),
      'apply',
    )
    if (applied) folded += events.length
    // Another instance folded this batch first; it is counted once, by them. Bounded so a
    // misbehaving adapter whose cursor never moves cannot spin forever.
    else if (++lost > 100) break
  }
  return { folded }
}
