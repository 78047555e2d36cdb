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
  /**
   * The most of the time this call may take while it is behind, from 0.01 to 1: after a full batch
   * that took `d` ms it pauses `d × (1 − share) / share` ms. Default 1 (no pause).
   */
  share?: number
  /** Stops folding (and pausing) when aborted; the batch being applied still completes. */
  signal?: AbortSignal
}

/** Waits `ms`, or less if `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}

/** Throws `configuration` for an `analytics.foldShare` outside 0.01..1. */
export function checkFoldShare(share: unknown): void {
  if (share !== undefined && !(typeof share === 'number' && share >= 0.01 && share <= 1))
    throw loopError('analytics', 'configuration', '`analytics.foldShare` must be a number from 0.01 to 1.')
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
  const share = Math.min(1, Math.max(0.01, input.share ?? 1))
  let folded = 0
  let lost = 0
  for (let n = 0; n < (input.maxBatches ?? Number.POSITIVE_INFINITY); n++) {
    if (input.signal?.aborted) break
    const started = Date.now()
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
    if (share < 1 && events.length === size)
      await pause(((Date.now() - started) * (1 - share)) / share, input.signal)
  }
  return { folded }
}
