import { loopError } from '@loopkit/core'
import type BetterSqlite3 from 'better-sqlite3'
import { SCOPE } from './_internal/db.js'
import { notificationPolicyMigration } from './migration-7.js'
import { campaignLinksMigration } from './migration-8.js'
import { analyticsWindowsMigration } from './migration-10.js'
import { campaignDeliveryMigration } from './migration-11.js'
import { campaignListMigration } from './migration-12.js'
import { partialCampaignIndexMigration } from './migration-13.js'

/** One versioned schema change, applied once and never edited after it shipped. */
export interface Migration {
  version: number
  name: string
  sql: string
}

/**
 * The schema, one append-only list. A released migration is never edited: a change is a new
 * entry. Money and times are INTEGER (minor units, epoch ms); nested values (order lines,
 * consents, messages) are JSON text, since they are always read and written whole.
 *
 * @example
 * ```ts
 * import { migrations } from '@loopkit/storage-sqlite'
 * console.log(migrations.at(-1)?.version) // the schema version this package writes
 * ```
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE customers (
        id TEXT PRIMARY KEY,
        identities TEXT NOT NULL,
        display_name TEXT,
        avatar_url TEXT,
        tags TEXT NOT NULL,
        consents TEXT NOT NULL,
        referred_by TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE customer_identities (
        provider TEXT NOT NULL,
        subject TEXT NOT NULL,
        union_id TEXT,
        customer_id TEXT NOT NULL,
        PRIMARY KEY (provider, subject)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX customer_identities_union ON customer_identities (union_id) WHERE union_id IS NOT NULL;

      CREATE TABLE skus (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        description TEXT,
        image_url TEXT,
        price INTEGER NOT NULL,
        currency TEXT NOT NULL,
        stock INTEGER CHECK (stock IS NULL OR stock >= 0),
        active INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE orders (
        id TEXT PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        customer_id TEXT NOT NULL,
        lines TEXT NOT NULL,
        total INTEGER NOT NULL,
        currency TEXT NOT NULL,
        status TEXT NOT NULL,
        provider TEXT NOT NULL,
        idempotency_key TEXT,
        attribution TEXT,
        refunded INTEGER NOT NULL,
        provider_ref TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        paid_at INTEGER,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX orders_idempotency ON orders (customer_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
      CREATE INDEX orders_customer ON orders (customer_id, created_at, id);
      CREATE INDEX orders_pending_expiry ON orders (expires_at) WHERE status = 'pending';

      -- Keyed by order first: a payment belongs to one order, and listing an order's payments is a
      -- prefix scan, with no second index to write on the paid path.
      CREATE TABLE payments (
        id TEXT NOT NULL,
        order_id TEXT NOT NULL,
        provider TEXT NOT NULL,
        provider_ref TEXT,
        amount INTEGER NOT NULL,
        currency TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (order_id, id)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE webhook_deliveries (
        provider TEXT NOT NULL,
        event_id TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (provider, event_id)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE refunds (
        id TEXT PRIMARY KEY,
        order_id TEXT NOT NULL,
        number TEXT NOT NULL UNIQUE,
        amount INTEGER NOT NULL,
        currency TEXT NOT NULL,
        reason TEXT,
        status TEXT NOT NULL,
        provider_ref TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX refunds_order ON refunds (order_id);

      CREATE TABLE shares (
        id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL,
        sku_id TEXT,
        target TEXT NOT NULL,
        channel TEXT,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX shares_customer ON shares (customer_id, created_at);
      CREATE INDEX shares_created ON shares (created_at);

      CREATE TABLE visits (
        id TEXT PRIMARY KEY,
        share_id TEXT NOT NULL,
        sharer_id TEXT NOT NULL,
        visitor_key TEXT NOT NULL,
        customer_id TEXT,
        at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX visits_visitor ON visits (visitor_key, at);
      CREATE INDEX visits_customer ON visits (customer_id, at) WHERE customer_id IS NOT NULL;

      CREATE TABLE rewards (
        id TEXT PRIMARY KEY,
        sharer_id TEXT NOT NULL,
        order_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        amount INTEGER NOT NULL,
        currency TEXT NOT NULL,
        coupon TEXT,
        status TEXT NOT NULL,
        release_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (sharer_id, order_id)
      ) STRICT;
      CREATE INDEX rewards_order ON rewards (order_id);
      CREATE INDEX rewards_due ON rewards (status, release_at);

      -- seq is the rowid: assigned max+1 inside the write lock, so strictly increasing.
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL,
        type TEXT NOT NULL,
        at INTEGER NOT NULL,
        customer_id TEXT,
        order_id TEXT,
        data TEXT NOT NULL
      ) STRICT;
      CREATE INDEX events_order ON events (order_id, seq) WHERE order_id IS NOT NULL;

      CREATE TABLE notifications (
        id TEXT PRIMARY KEY,
        dedupe_key TEXT NOT NULL UNIQUE,
        channel TEXT NOT NULL,
        customer_id TEXT NOT NULL,
        message TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        lease_until INTEGER,
        lease_token TEXT,
        last_error TEXT,
        provider_message_id TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX notifications_customer ON notifications (customer_id);

      CREATE TABLE cache (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX cache_expiry ON cache (expires_at);
    `,
  },
  {
    version: 2,
    name: 'per-customer purchase limits; customer merges',
    // NULL (every existing SKU) means no limit; the check runs only for SKUs that set one.
    // A merged customer's id keeps resolving to the survivor through customer_merges; the indexes
    // let a merge re-point visits and referrals without scanning them.
    sql: `
      ALTER TABLE skus ADD COLUMN limit_per_customer INTEGER
        CHECK (limit_per_customer IS NULL OR limit_per_customer >= 1);

      CREATE TABLE customer_merges (
        merged_id TEXT PRIMARY KEY,
        survivor_id TEXT NOT NULL,
        merged_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX customer_merges_survivor ON customer_merges (survivor_id);
      CREATE INDEX visits_sharer ON visits (sharer_id);
      CREATE INDEX customers_referred_by ON customers (referred_by) WHERE referred_by IS NOT NULL;
    `,
  },
  {
    version: 3,
    name: 'partial reward clawback; pending refunds index',
    sql: `
      -- Minor units of a reward taken back by partial refunds (issue #9.11).
      ALTER TABLE rewards ADD COLUMN clawed_back INTEGER NOT NULL DEFAULT 0;
      -- Refund reconciliation lists pending refunds across orders, oldest first (issue #9.10).
      CREATE INDEX refunds_status ON refunds (status, created_at);
    `,
  },
  {
    version: 4,
    name: 'rate limit buckets',
    sql: `
      -- One token bucket per key (route and customer, address or visitor). A row past expires_at
      -- has refilled completely, so deleting it changes nothing.
      CREATE TABLE rate_limits (
        key TEXT PRIMARY KEY,
        tokens REAL NOT NULL,
        updated_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        allowed INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX rate_limits_expiry ON rate_limits (expires_at);
    `,
  },
  {
    version: 5,
    name: 'customer pool: follow and interaction state, RFM aggregates, audiences',
    // Issue #10. customer_stats keeps counted orders, net spend and the last payment per customer
    // and currency (maintained with the order's paid/refund/transition), so a segment never scans
    // orders; it is backfilled here from the orders already stored. The partial index answers
    // follower counts from the index alone.
    sql: `
      ALTER TABLE customers ADD COLUMN followed_at INTEGER;
      ALTER TABLE customers ADD COLUMN unfollowed_at INTEGER;
      ALTER TABLE customers ADD COLUMN last_interaction_at INTEGER;
      ALTER TABLE customers ADD COLUMN time_zone TEXT;
      -- Counted orders and the last payment across currencies, on the row a segment scan reads anyway.
      ALTER TABLE customers ADD COLUMN order_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE customers ADD COLUMN last_order_at INTEGER;
      CREATE INDEX customers_followed ON customers (followed_at) WHERE followed_at IS NOT NULL;

      CREATE TABLE customer_stats (
        customer_id TEXT NOT NULL,
        currency TEXT NOT NULL,
        orders INTEGER NOT NULL,
        spent INTEGER NOT NULL,
        last_paid_at INTEGER,
        PRIMARY KEY (customer_id, currency)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO customer_stats (customer_id, currency, orders, spent, last_paid_at)
        SELECT customer_id, currency,
          sum(CASE WHEN status IN ('paid', 'fulfilled', 'partially_refunded') THEN 1 ELSE 0 END),
          sum(CASE WHEN status IN ('paid', 'fulfilled', 'partially_refunded') THEN total - refunded ELSE 0 END),
          max(paid_at)
        FROM orders
        WHERE paid_at IS NOT NULL OR status IN ('paid', 'fulfilled', 'partially_refunded')
        GROUP BY customer_id, currency;
      UPDATE customers SET
        order_count = (SELECT sum(orders) FROM customer_stats s WHERE s.customer_id = customers.id),
        last_order_at = (SELECT max(last_paid_at) FROM customer_stats s WHERE s.customer_id = customers.id)
      WHERE id IN (SELECT customer_id FROM customer_stats);

      CREATE TABLE audiences (
        id TEXT PRIMARY KEY,
        name TEXT,
        filter TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 6,
    name: 'analytics rollups',
    // Issue #15: what loop.analytics reads instead of the event log. The cursor is the seq of the
    // last folded event, moved by compare-and-set in the transaction that applies a batch.
    sql: `
      CREATE TABLE rollup_cursor (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        cursor INTEGER NOT NULL
      ) STRICT;
      INSERT INTO rollup_cursor (id, cursor) VALUES (1, 0);
      CREATE TABLE rollup_counts (
        dim TEXT NOT NULL,
        day TEXT NOT NULL,
        metric TEXT NOT NULL,
        key TEXT NOT NULL,
        value INTEGER NOT NULL,
        PRIMARY KEY (dim, day, metric, key)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE rollup_people (
        step TEXT NOT NULL,
        day TEXT NOT NULL,
        key TEXT NOT NULL,
        person TEXT NOT NULL,
        PRIMARY KEY (step, day, key, person)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE rollup_buyers (
        customer_id TEXT PRIMARY KEY,
        orders INTEGER NOT NULL,
        first_at INTEGER NOT NULL,
        month TEXT NOT NULL,
        second_at INTEGER
      ) STRICT;
      CREATE INDEX rollup_buyers_month ON rollup_buyers (month);
    `,
  },
  notificationPolicyMigration,
  campaignLinksMigration,
  analyticsWindowsMigration,
  campaignDeliveryMigration,
  campaignListMigration,
  partialCampaignIndexMigration,
]

/**
 * Applies the migrations this database has not seen, each with its `schema_migrations` row, in
 * one write transaction, so concurrent openers apply each one exactly once. Refuses a database
 * migrated by a newer Loopkit, rather than guessing at a schema it does not know. `sqliteStorage()`
 * calls it on open; call it yourself to migrate ahead of a deploy.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3'
 * import { migrate } from '@loopkit/storage-sqlite'
 *
 * const { applied } = migrate(new Database('./data/loop.db'))
 * console.log(`applied migrations ${applied.join(', ') || 'none'}`)
 * ```
 */
export function migrate(
  db: BetterSqlite3.Database,
  list: readonly Migration[] = migrations,
): { applied: number[] } {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`)
  const run = db.transaction(() => {
    const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }
    const current = row.v ?? 0
    const latest = list.reduce((m, x) => Math.max(m, x.version), 0)
    if (current > latest) {
      throw loopError(
        SCOPE,
        'configuration',
        `The database is at schema version ${current}, newer than this @loopkit/storage-sqlite knows (${latest}). Upgrade the package.`,
      )
    }
    const applied: number[] = []
    const insert = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
    for (const m of [...list].sort((a, b) => a.version - b.version)) {
      if (m.version <= current) continue
      db.exec(m.sql)
      insert.run(m.version, m.name, Date.now())
      applied.push(m.version)
    }
    return applied
  })
  return { applied: run.immediate() }
}
