import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { loopError, requiredOptionError, type StorageAdapter } from '@loopkit/core'
import Database from 'better-sqlite3'
import { backgroundCheckpointer, type Checkpointer } from './_internal/checkpointer.js'
import { createDb, SCOPE } from './_internal/db.js'
import { audienceOps } from './audiences.js'
import { cacheOps } from './cache.js'
import { campaignDeliveryOps } from './campaign-delivery.js'
import { campaignLinkOps } from './campaign-links.js'
import { campaignOps } from './campaigns.js'
import { catalogOps } from './catalog.js'
import { customerOps } from './customers.js'
import { eventOps } from './events.js'
import { migrate } from './migrations.js'
import { orderOps } from './orders.js'
import { outboxOps } from './outbox.js'
import { paymentOps } from './payments.js'
import { rateLimitOps } from './rate-limits.js'
import { refundOps } from './refunds.js'
import { rewardOps } from './rewards.js'
import { rollupOps } from './rollups.js'
import { shareOps } from './shares.js'

/** Options of {@link sqliteStorage}. */
export interface SqliteStorageOptions {
  /** Path of the database file (created with its folder if missing), or `':memory:'`. */
  file: string
  /**
   * When a commit reaches the disk. `'full'` (default) syncs the write-ahead log on every commit:
   * a committed payment survives a power cut. `'normal'` syncs only at checkpoints: commits
   * survive a crash or `kill -9` of the process, but the last ones may be lost if the machine
   * itself loses power; the database stays consistent either way.
   */
  synchronous?: 'full' | 'normal'
  /** How long a write waits for another process holding the lock. Default 5,000 ms. */
  busyTimeoutMs?: number
  /** The adapter's `name`. Defaults to `"sqlite"`. */
  name?: string
  /**
   * Where WAL checkpoints (copying committed pages from the log into the database file, and
   * syncing it) run. `'background'` (default for a file): in a worker thread with its own
   * connection, so no request waits for one. `'inline'`: inside the commit that fills the log past
   * 1,000 pages, as SQLite does by default. Durability is the same either way.
   */
  checkpoints?: 'background' | 'inline'
}

/**
 * A {@link StorageAdapter} on one SQLite file (better-sqlite3, WAL): the embedded default for one
 * app process, or a few processes on one machine. Every domain operation is one `BEGIN IMMEDIATE`
 * transaction with prepared statements, so stock never goes negative, a webhook applies once, and
 * an order and its outbox rows are committed together or not at all. Migrations are applied on
 * open and recorded in `schema_migrations`.
 *
 * @example
 * ```ts
 * import { createLoop } from '@loopkit/core'
 * import { sandboxPayments } from '@loopkit/core/dev'
 * import { sqliteStorage } from '@loopkit/storage-sqlite'
 *
 * const loop = createLoop({
 *   secret: process.env.LOOP_SECRET!,
 *   baseUrl: 'http://127.0.0.1:3000/loop',
 *   storage: sqliteStorage({ file: './data/loop.db' }),
 *   payments: [sandboxPayments()],
 * })
 * ```
 */
export function sqliteStorage(options: SqliteStorageOptions): StorageAdapter {
  if (!options?.file) throw requiredOptionError(SCOPE, 'file')
  const synchronous = options.synchronous ?? 'full'
  if (synchronous !== 'full' && synchronous !== 'normal') {
    throw loopError(SCOPE, 'configuration', 'Option `synchronous` must be `full` or `normal`.')
  }
  const inMemory = options.file === ':memory:'
  const busyTimeoutMs = Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))
  if (!inMemory) mkdirSync(dirname(options.file), { recursive: true })

  let raw: Database.Database
  try {
    raw = new Database(options.file)
  } catch (error) {
    throw loopError(SCOPE, 'storage_error', `Cannot open the database file: ${(error as Error).message}`, {
      cause: error,
    })
  }
  try {
    raw.pragma(`busy_timeout = ${busyTimeoutMs}`)
    if (!inMemory) raw.pragma('journal_mode = WAL')
    raw.pragma(`synchronous = ${synchronous.toUpperCase()}`)
    // Each operation of a group commit runs in its own savepoint, whose undo copies of pages go to a
    // statement journal. On disk (the default temp store) that journal spills to a temp file past
    // 64 KiB and is not truncated until the batch commits, so a batch of 32 orders wrote megabytes to
    // a file nobody reads; in memory it is truncated at each savepoint's release. Measured: -28% CPU
    // per order at synchronous=NORMAL (bench/flash-sale-sqlite).
    raw.pragma('temp_store = MEMORY')
    migrate(raw)
  } catch (error) {
    raw.close()
    throw error
  }

  let checkpointer: Checkpointer | null = null
  if (!inMemory && options.checkpoints !== 'inline') {
    checkpointer = backgroundCheckpointer({
      raw,
      file: options.file,
      synchronous,
      busyTimeoutMs,
      // The connection checkpoints inline again: slower, never less safe. Said once, not thrown.
      onError: (error) => process.emitWarning(error),
    })
  }
  const db = createDb(raw, checkpointer ? { afterCommit: () => checkpointer.afterCommit() } : {})
  return {
    name: options.name ?? 'sqlite',
    ...customerOps(db),
    ...audienceOps(db),
    ...catalogOps(db),
    ...orderOps(db),
    ...paymentOps(db),
    ...refundOps(db),
    ...shareOps(db),
    ...rewardOps(db),
    ...eventOps(db),
    ...outboxOps(db),
    ...campaignOps(db),
    ...campaignLinkOps(db),
    ...campaignDeliveryOps(db),
    ...cacheOps(db),
    ...rateLimitOps(db),
    ...rollupOps(db),
    async close() {
      if (!raw.open) return
      await db.drain()
      await checkpointer?.close()
      raw.pragma('optimize')
      raw.close()
    },
  }
}
