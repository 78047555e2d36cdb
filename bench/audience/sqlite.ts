import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sqliteStorage } from '../../packages/storage-sqlite/src/index.js'
import { type AudienceSide, DAY, NOW, poolShape as P, SEGMENT } from './pool.js'

// better-sqlite3 is a dependency of the storage package, not of the workspace root.
const require = createRequire(new URL('../../packages/storage-sqlite/package.json', import.meta.url))
interface Statement {
  get(...params: unknown[]): unknown
  all(...params: unknown[]): unknown[]
}
interface Db {
  exec(sql: string): void
  prepare(sql: string): Statement
  transaction(fn: () => void): () => void
  close(): void
}
const Database = require('better-sqlite3') as new (file: string) => Db

function seed(db: Db, n: number): void {
  const nums = `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${n})`
  db.transaction(() => {
    db.exec(`INSERT INTO customers (id, identities, display_name, avatar_url, tags, consents, referred_by,
        followed_at, unfollowed_at, last_interaction_at, time_zone, created_at, updated_at)
      ${nums} SELECT printf('cus_%08d', i), json_array(json_object('provider', 'wechat', 'subject', 'o' || i)),
        NULL, NULL, CASE WHEN ${P.vip('i')} THEN '["vip"]' ELSE '[]' END, '[]', NULL,
        ${P.followed('i')}, NULL, NULL, NULL, ${NOW - 500 * DAY} + i, ${NOW - 500 * DAY} + i FROM n`)
    db.exec(`INSERT INTO customer_stats (customer_id, currency, orders, spent, last_paid_at)
      ${nums} SELECT printf('cus_%08d', i), 'CNY', ${P.orders('i')}, ${P.spent('i')}, ${P.lastPaid('i')}
      FROM n WHERE ${P.buyer('i')}`)
  })()
  db.exec('ANALYZE')
}

// What one would write by hand for SEGMENT: join the aggregates, test the tag in the JSON array.
const BASE = `FROM customers c JOIN customer_stats s ON s.customer_id = c.id AND s.currency = 'CNY'
  WHERE c.followed_at IS NOT NULL AND s.last_paid_at >= ?
    AND (EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = 'vip') OR s.spent >= 50000)`

/** The SQLite pool in a WAL file: the adapter's side and the hand-written side, same file. */
export async function sqliteSides(n: number) {
  const dir = mkdtempSync(join(tmpdir(), 'loopkit-audience-'))
  const file = join(dir, 'pool.db')
  await sqliteStorage({ file }).close?.() // migrates the file
  const raw = new Database(file)
  seed(raw, n)
  // Opened after the load, as an app would be: the connection reads the statistics ANALYZE wrote.
  const storage = sqliteStorage({ file })
  const since = NOW - 90 * DAY
  const count = raw.prepare(`SELECT count(*) AS n ${BASE}`)
  const page = raw.prepare(`SELECT c.* ${BASE} AND c.id > ? ORDER BY c.id LIMIT ?`)
  const baseline: AudienceSide = {
    async count() {
      return (count.get(since) as { n: number }).n
    },
    async page(after, limit) {
      const rows = page.all(since, after ?? '', limit + 1) as Array<Record<string, string> & { id: string }>
      // Built into customers as the adapter does, so both sides deliver the same work.
      const customers = rows.slice(0, limit).map((r) => ({
        ...r,
        identities: JSON.parse(r.identities!),
        tags: JSON.parse(r.tags!),
        consents: JSON.parse(r.consents!),
      }))
      return { ids: customers.map((c) => c.id), next: rows.length > limit ? customers.at(-1)!.id : null }
    },
  }
  const loopkit: AudienceSide = {
    async count() {
      return (await storage.countCustomers({ where: SEGMENT, now: NOW })).count
    },
    async page(after, limit) {
      const r = await storage.listCustomers({ where: SEGMENT, after, limit, now: NOW })
      return { ids: r.customers.map((c) => c.id), next: r.next }
    },
  }
  return {
    loopkit,
    baseline,
    async close() {
      raw.close()
      await storage.close?.()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
