import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import { type PostgresStorage, postgresStorage } from '../../packages/storage-postgres/src/index.js'
import { type AudienceSide, DAY, NOW, poolShape as P, SEGMENT } from './pool.js'

// `pg` is a dependency of the storage package, not of the workspace root.
type Pool = PostgresStorage['pool']
const require = createRequire(new URL('../../packages/storage-postgres/package.json', import.meta.url))
const pg = require('pg') as { Pool: new (config: { connectionString: string; max: number }) => Pool }
const URL_ = process.env.LOOPKIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

async function seed(pool: Pool, s: string, n: number): Promise<void> {
  const series = `generate_series(0, ${n - 1}) AS i`
  await pool.query(`INSERT INTO ${s}.customers (id, tags, followed_at, created_at, updated_at)
    SELECT 'cus_' || lpad(i::text, 8, '0'), CASE WHEN ${P.vip('i')} THEN '{vip}'::text[] ELSE '{}' END,
      ${P.followed('i')}, ${NOW - 500 * DAY} + i, ${NOW - 500 * DAY} + i FROM ${series}`)
  await pool.query(`INSERT INTO ${s}.identities (provider, subject, customer_id)
    SELECT 'wechat', 'o' || i, 'cus_' || lpad(i::text, 8, '0') FROM ${series}`)
  await pool.query(`INSERT INTO ${s}.customer_stats (customer_id, currency, orders, spent, last_paid_at)
    SELECT 'cus_' || lpad(i::text, 8, '0'), 'CNY', ${P.orders('i')}, ${P.spent('i')}, ${P.lastPaid('i')}
    FROM ${series} WHERE ${P.buyer('i')}`)
  await pool.query(`VACUUM ANALYZE ${s}.customers`)
  await pool.query(`VACUUM ANALYZE ${s}.identities`)
  await pool.query(`VACUUM ANALYZE ${s}.customer_stats`)
}

/** The PostgreSQL pool in a fresh schema: the adapter's side and the hand-written side. */
export async function postgresSides(n: number) {
  const schema = `lk_bench_${randomBytes(4).toString('hex')}`
  const s = `"${schema}"`
  const pool = new pg.Pool({ connectionString: URL_, max: 4 })
  const storage = postgresStorage({ pool }, { schema })
  await storage.migrate()
  await seed(pool, s, n)
  const since = NOW - 90 * DAY
  // What one would write by hand for SEGMENT: join the aggregates, one statement per page that
  // also assembles each member's identities and consents, as the adapter returns whole customers.
  const base = `FROM ${s}.customers c JOIN ${s}.customer_stats st ON st.customer_id = c.id AND st.currency = 'CNY'
    WHERE c.followed_at IS NOT NULL AND st.last_paid_at >= $1 AND ('vip' = ANY(c.tags) OR st.spent >= 50000)`
  const baseline: AudienceSide = {
    async count() {
      const { rows } = await pool.query(`SELECT count(*)::int AS n ${base}`, [since])
      return rows[0].n as number
    },
    async page(after, limit) {
      const { rows } = await pool.query(
        `SELECT c.id, c.display_name, c.avatar_url, c.tags, c.referred_by, c.followed_at, c.unfollowed_at,
           c.last_interaction_at, c.time_zone, c.created_at, c.updated_at,
           (SELECT coalesce(jsonb_agg(jsonb_build_object('provider', i.provider, 'subject', i.subject) ORDER BY i.seq), '[]')
              FROM ${s}.identities i WHERE i.customer_id = c.id) AS identities,
           (SELECT coalesce(jsonb_agg(jsonb_build_object('channel', k.channel, 'topic', k.topic) ORDER BY k.seq), '[]')
              FROM ${s}.consents k WHERE k.customer_id = c.id) AS consents
         ${base} AND c.id > $2 ORDER BY c.id LIMIT $3`,
        [since, after ?? '', limit + 1],
      )
      const ids = rows.slice(0, limit).map((r) => r.id as string)
      return { ids, next: rows.length > limit ? ids.at(-1)! : null }
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
      await pool.query(`DROP SCHEMA ${s} CASCADE`)
      await pool.end()
    },
  }
}
