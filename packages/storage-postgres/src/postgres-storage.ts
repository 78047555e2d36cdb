import type { StorageAdapter } from '@loopkit/core'
import { loopError } from '@loopkit/core'
import type { Pool } from 'pg'
import pg from 'pg'
import { createDb } from './_internal/db.js'
import { audienceOps } from './audiences.js'
import { cacheOps } from './cache.js'
import { campaignDeliveryOps } from './campaign-delivery.js'
import { campaignLinkOps } from './campaign-links.js'
import { campaignOps } from './campaigns.js'
import { catalogOps } from './catalog.js'
import { consentOps } from './consents.js'
import { customerOps } from './customers.js'
import { eventOps } from './events.js'
import { migrate } from './migrations/index.js'
import { orderOps } from './orders.js'
import { outboxOps } from './outbox.js'
import { paymentOps } from './payments.js'
import { rateLimitOps } from './rate-limits.js'
import { refundOps } from './refunds.js'
import { rewardOps } from './rewards.js'
import { rollupOps } from './rollups.js'
import { shareOps } from './shares.js'

/**
 * Where to connect: a connection string (the adapter owns a pool of `max` connections, default 10,
 * and ends it on `close()`) or a `pg.Pool` the app owns (left open on `close()`).
 *
 * @example
 * ```ts
 * postgresStorage({ connectionString: 'postgres://app@db:5432/shop', max: 20 })
 * postgresStorage({ pool: new pg.Pool({ host: 'db', database: 'shop' }) })
 * ```
 */
export type PostgresConnection = { connectionString: string; max?: number } | { pool: Pool }

/**
 * Options of {@link postgresStorage}.
 *
 * @example
 * ```ts
 * postgresStorage({ connectionString }, { schema: 'loopkit_staging' })
 * postgresStorage({ connectionString: pgbouncerUrl }, { prepare: false })
 * ```
 */
export interface PostgresStorageOptions {
  /** The schema holding Loopkit's tables, created on first use. Default `loopkit`. */
  schema?: string
  /** Apply pending migrations on first use (default `true`); else call `migrate()` yourself. */
  migrate?: boolean
  /**
   * Send the statements of the hot paths (checkout, payment, the reads before them) as named
   * prepared statements, parsed and planned once per connection (default `true`). Set `false`
   * behind a connection pooler that cannot keep them, such as PgBouncer in transaction mode
   * before 1.21 (or without `max_prepared_statements`).
   */
  prepare?: boolean
}

/**
 * A {@link StorageAdapter} backed by PostgreSQL, plus its pool and an explicit `migrate()`.
 *
 * @example
 * ```ts
 * const storage: PostgresStorage = postgresStorage({ pool }, { schema: 'shop', migrate: false })
 * await storage.migrate() // e.g. in a deploy step, before the app instances start
 * ```
 */
export interface PostgresStorage extends StorageAdapter {
  readonly pool: Pool
  readonly schema: string
  /** Applies pending migrations (safe to call from many processes at once). */
  migrate(): Promise<{ applied: number[] }>
  close(): Promise<void>
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/**
 * Storage for many app instances sharing one PostgreSQL database. Every domain operation is one
 * transaction (checkout and payment usually one statement, shared by the checkouts and payments —
 * and the reads before them — that arrive in the same turn of the event loop, each caller getting
 * its own outcome); a SKU's stock is split over several
 * rows that concurrent buyers claim without queueing on one lock, webhooks are deduplicated by a primary
 * key, outbox rows are claimed with `FOR UPDATE SKIP LOCKED` under a lease token, and
 * `cacheSet({ ifAbsent })` is a single-flight lock across instances. Migrations are versioned in
 * `<schema>.schema_migrations` and applied on first use under an advisory lock.
 *
 * @example
 * ```ts
 * import { createLoop } from '@loopkit/core'
 * import { postgresStorage } from '@loopkit/storage-postgres'
 *
 * const storage = postgresStorage({ connectionString: process.env.DATABASE_URL! }, { schema: 'shop' })
 * const loop = createLoop({ secret, baseUrl, storage, payments, identity, messaging })
 * // on shutdown
 * await storage.close()
 * ```
 */
export function postgresStorage(
  connection: PostgresConnection,
  options: PostgresStorageOptions = {},
): PostgresStorage {
  const schema = options.schema ?? 'loopkit'
  if (!SCHEMA_NAME.test(schema)) {
    throw loopError(
      'postgres',
      'configuration',
      `Option \`schema\` must be a plain identifier, got \`${schema}\`.`,
    )
  }
  const owned = !('pool' in connection)
  if (owned && !connection.connectionString) {
    throw loopError(
      'postgres',
      'configuration',
      'Missing required option `connectionString` (or pass `pool`).',
    )
  }
  const pool = owned
    ? new pg.Pool({ connectionString: connection.connectionString, max: connection.max ?? 10 })
    : connection.pool
  // An idle client that loses its server emits 'error' on the pool; unhandled, that would crash the
  // process. The next query reports the failure instead.
  if (owned) pool.on('error', () => {})

  let migrated: Promise<unknown> | null = options.migrate === false ? Promise.resolve() : null
  const runMigrations = () => migrate(pool, schema)
  const ready = () => {
    if (!migrated) {
      migrated = runMigrations().catch((e: unknown) => {
        migrated = null // let the next call try again (e.g. the database was still starting)
        throw e
      })
    }
    return migrated as Promise<void>
  }
  const db = createDb(pool, schema, ready, { prepare: options.prepare ?? true })

  return {
    name: 'postgres',
    pool,
    schema,
    ...customerOps(db),
    ...audienceOps(db),
    ...consentOps(db),
    ...catalogOps(db),
    ...orderOps(db),
    ...paymentOps(db),
    ...refundOps(db),
    ...shareOps(db),
    ...rewardOps(db),
    ...rollupOps(db),
    ...eventOps(db),
    ...outboxOps(db),
    ...campaignOps(db),
    ...campaignLinkOps(db),
    ...campaignDeliveryOps(db),
    ...cacheOps(db),
    ...rateLimitOps(db),
    async migrate() {
      const out = await runMigrations()
      migrated = Promise.resolve()
      return out
    },
    async close() {
      if (owned) await pool.end()
    },
  }
}
