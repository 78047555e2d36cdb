import type { Pool } from 'pg'
import { quoteIdent, toLoopError } from '../_internal/db.js'
import { initialSchema } from './0001-initial.js'
import { purchaseLimitsAndMerges } from './0002-limits-and-merges.js'
import { refundReconcileSchema } from './0003-refund-reconcile.js'
import { rateLimitsSchema } from './0004-rate-limits.js'
import { customerPoolSchema } from './0005-customer-pool.js'
import { analyticsRollups } from './0006-analytics-rollups.js'
import { notificationPolicySchema } from './0007-notification-policy.js'
import { campaignLinksSchema } from './0008-campaign-links.js'
import { stockBuckets } from './0009-stock-buckets.js'
import { analyticsWindows } from './0010-analytics-windows.js'
import { campaignDeliverySchema } from './0011-campaign-delivery.js'
import { campaignListSchema } from './0012-campaign-list.js'

/** One versioned schema change of `@loopkit/storage-postgres`. */
export interface Migration {
  /** Applied in increasing order; never renumber or edit one that has shipped — add a new one. */
  version: number
  name: string
  /** The SQL, given the quoted schema name. */
  sql: (s: string) => string
}

/**
 * Every migration, oldest first: what `postgresStorage()` applies on first use and records in
 * `<schema>.schema_migrations`. Exported so a deployment can render the SQL for its own tooling.
 *
 * @example
 * ```ts
 * import { migrations } from '@loopkit/storage-postgres'
 *
 * for (const m of migrations) console.log(`-- ${m.version} ${m.name}\n${m.sql('"shop"')}`)
 * ```
 */
export const migrations: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initialSchema },
  { version: 2, name: 'per-customer purchase limits; customer merges', sql: purchaseLimitsAndMerges },
  { version: 3, name: 'partial reward clawback; pending refunds index', sql: refundReconcileSchema },
  { version: 4, name: 'rate limits', sql: rateLimitsSchema },
  {
    version: 5,
    name: 'customer pool: follow and interaction state, RFM aggregates, audiences',
    sql: customerPoolSchema,
  },
  { version: 6, name: 'analytics rollups', sql: analyticsRollups },
  {
    version: 7,
    name: 'notification policy and campaigns: decisions on outbox rows, send ledger, campaigns',
    sql: notificationPolicySchema,
  },
  {
    version: 8,
    name: 'campaign links: campaign visits, orders by campaign, due campaigns',
    sql: campaignLinksSchema,
  },
  { version: 9, name: 'stock buckets: the stock of a SKU over several rows', sql: stockBuckets },
  { version: 10, name: 'analytics rollups whose reads do not grow with the window', sql: analyticsWindows },
  {
    version: 11,
    name: 'campaign delivery: broadcast jobs (WeChat mass send) and their delivery reports',
    sql: campaignDeliverySchema,
  },
  {
    version: 12,
    name: 'campaign list: campaigns by creation time, and by status then creation time',
    sql: campaignListSchema,
  },
]

/**
 * Applies the migrations the schema has not seen yet, in one transaction. A transaction-level
 * advisory lock keyed on the schema makes concurrent starters (four app processes booting at once)
 * queue up: the first applies, the others then find every version recorded and do nothing.
 */
export async function migrate(pool: Pool, schema: string): Promise<{ applied: number[] }> {
  const s = quoteIdent(schema)
  const client = await pool.connect().catch((e: unknown) => {
    throw toLoopError(e)
  })
  let broken = false
  try {
    await client.query('BEGIN')
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`loopkit:migrate:${schema}`])
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`)
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
         version integer PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    )
    const done = await client.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`)
    const seen = new Set(done.rows.map((r) => r.version))
    const applied: number[] = []
    for (const m of migrations) {
      if (seen.has(m.version)) continue
      await client.query(m.sql(s))
      await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [
        m.version,
        m.name,
      ])
      applied.push(m.version)
    }
    await client.query('COMMIT')
    return { applied }
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {
      broken = true
    })
    throw toLoopError(e)
  } finally {
    client.release(broken)
  }
}
