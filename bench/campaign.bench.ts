// Campaign fan-out rate into the outbox (issue #10): `loop.campaigns.send` writing one outbox row per
// follower, batch by batch with the cursor compare-and-set, against a hand-written `INSERT … SELECT`
// that writes the same rows in one statement, on SQLite and PostgreSQL, in the same run. The two
// sides alternate ROUNDS times on the same pool (the outbox emptied before each), medians compared.
//
//   node --conditions=@loopkit/source --import tsx bench/run.ts campaign
//
// LOOPKIT_BENCH_SCALE (default 1: 200,000 followers) shrinks the pool; LOOPKIT_BENCH_DB=sqlite|postgres
// runs one store; LOOPKIT_BENCH_FANOUT=per-member hides the storage's set-based step, measuring the
// member-by-member path (what campaigns did before it). BENCH_SYNC=normal opens the SQLite storage
// with `synchronous: 'normal'` (each batch's commit then skips its fsync; the baseline is one commit).
// PostgreSQL is LOOPKIT_TEST_POSTGRES_URL or the local test database.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLoop, newId, type StorageAdapter } from '@loopkit/core'
import { consoleMessaging } from '@loopkit/core/dev'
import { type PostgresStorage, postgresStorage } from '../packages/storage-postgres/src/index.js'
import { sqliteStorage } from '../packages/storage-sqlite/src/index.js'

// better-sqlite3 and pg are dependencies of the storage packages, not of the workspace root.
const require = createRequire(new URL('../packages/storage-sqlite/package.json', import.meta.url))
interface Db {
  exec(sql: string): void
  pragma(sql: string): unknown
  prepare(sql: string): { get(...p: unknown[]): unknown; run(...p: unknown[]): { changes: number } }
  close(): void
}
const Database = require('better-sqlite3') as new (file: string) => Db
const pgRequire = createRequire(new URL('../packages/storage-postgres/package.json', import.meta.url))
const pg = pgRequire('pg') as {
  Pool: new (config: { connectionString: string; max: number }) => PostgresStorage['pool']
}

const SCALE = Number(process.env.LOOPKIT_BENCH_SCALE ?? 1)
const N = Math.max(100, Math.round(200_000 * SCALE))
const ROUNDS = 3
const only = process.env.LOOPKIT_BENCH_DB
const perMember = process.env.LOOPKIT_BENCH_FANOUT === 'per-member'
const PG_URL = process.env.LOOPKIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
// What the loop's rows carry: the rendered message with the plan as its chain.
const MESSAGE = JSON.stringify({
  topic: 'campaign',
  title: 'Mid-autumn',
  body: 'Mooncake duck, 20% off',
  fields: {},
  chain: ['console'],
})
/**
 * An honest baseline writes what the outbox needs: row ids unique across campaigns (a fresh prefix
 * per campaign, as long as the loop's), dedupe keys under the outbox's unique index, and real epoch
 * milliseconds (wider than the constant 1 the baseline wrote before, in SQLite's varints).
 */
const baselineRow = (round: number) => {
  const at = Date.now()
  return { prefix: `${newId('ntf', at)}_`, keys: `campaign:base${round}:`, at }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

interface Side {
  /** Empties the outbox, then writes one row per follower; answers the milliseconds the writing took. */
  run(round: number): Promise<number>
}

/** The loop's side: a new campaign to the followers each round, sent to the end. */
function loopkitSide(storage: StorageAdapter): Side & { close(): Promise<void> } {
  const store: StorageAdapter = perMember ? { ...storage, fanOutCampaign: undefined as never } : storage
  if (perMember) delete (store as { fanOutCampaign?: unknown }).fanOutCampaign
  const loop = createLoop({
    secret: 'bench-secret-bench-secret-bench-secret-01',
    baseUrl: 'http://127.0.0.1/loop',
    storage: store,
    messaging: [consoleMessaging({ log: () => {} })],
  })
  return {
    async run(round) {
      const c = await loop.campaigns.create({
        id: `bench_${round}`,
        audience: 'followers',
        message: { title: 'Mid-autumn', body: 'Mooncake duck, 20% off' },
        channelPlan: { channels: ['console'] },
      })
      const t = performance.now()
      const done = await loop.campaigns.send({ id: c.id })
      const ms = performance.now() - t
      if (done.queued !== N) throw new Error(`loopkit queued ${done.queued}, expected ${N}`)
      return ms
    },
    close: () => loop.close(),
  }
}

async function compare(
  name: string,
  loopkit: Side,
  baseline: Side,
  empty: () => Promise<void>,
): Promise<void> {
  const times = { loopkit: [] as number[], baseline: [] as number[] }
  for (let r = 0; r < ROUNDS; r++) {
    for (const [label, side] of [
      ['baseline', baseline],
      ['loopkit', loopkit],
    ] as const) {
      await empty()
      times[label].push(await side.run(r))
    }
  }
  const rate = (ms: number) => Math.round(N / (ms / 1000)).toLocaleString('en')
  const [l, b] = [median(times.loopkit), median(times.baseline)]
  console.log(
    `${name}: campaign fan-out into the outbox, ${N.toLocaleString('en')} followers${perMember ? ' (member by member)' : ''}`,
  )
  console.log(
    `  loopkit.campaigns.send   ${rate(l)} rows/s  (${l.toFixed(0)} ms; rounds ${times.loopkit.map((x) => x.toFixed(0)).join(', ')})`,
  )
  console.log(
    `  INSERT … SELECT baseline ${rate(b)} rows/s  (${b.toFixed(0)} ms; rounds ${times.baseline.map((x) => x.toFixed(0)).join(', ')})`,
  )
  console.log(`  ratio ${(b / l).toFixed(2)}× of the baseline (target >= 0.8)`)
}

async function sqlite(dir: string): Promise<void> {
  const file = join(dir, 'pool.db')
  const storage = sqliteStorage({
    file,
    ...(process.env.BENCH_SYNC === 'normal' ? { synchronous: 'normal' as const } : {}),
  })
  await storage.countCustomers({})
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.exec(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${Math.floor(N * 1.1) - 1})
    INSERT INTO customers (id, identities, display_name, avatar_url, tags, consents, referred_by, followed_at,
      unfollowed_at, last_interaction_at, time_zone, created_at, updated_at)
    SELECT printf('cus_%08d', i), '[]', NULL, NULL, '[]', '[]', NULL, CASE WHEN i % 11 = 10 THEN NULL ELSE 1 END,
      NULL, NULL, NULL, 1, 1 FROM n`)
  const baseline: Side = {
    async run(round) {
      const b = baselineRow(round)
      const t = performance.now()
      const { changes } = db
        .prepare(`INSERT INTO notifications (id, dedupe_key, channel, customer_id, message, status, attempts,
            next_attempt_at, created_at, updated_at)
          SELECT ? || id, ? || id || ':console', 'console', id, ?, 'pending', 0, ?, ?, ?
          FROM customers WHERE followed_at IS NOT NULL ORDER BY id`)
        .run(b.prefix, b.keys, MESSAGE, b.at, b.at, b.at)
      const ms = performance.now() - t
      if (changes !== N) throw new Error(`baseline wrote ${changes}, expected ${N}`)
      return ms
    },
  }
  const loopkit = loopkitSide(storage)
  try {
    await compare('SQLite (file, WAL)', loopkit, baseline, async () => {
      db.exec('DELETE FROM notifications')
      db.pragma('wal_checkpoint(TRUNCATE)')
    })
  } finally {
    await loopkit.close()
    db.close()
  }
}

async function postgres(): Promise<void> {
  const schema = `lk_bench_${randomBytes(4).toString('hex')}`
  const s = `"${schema}"`
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4 })
  const storage = postgresStorage({ pool }, { schema })
  await storage.migrate()
  await pool.query(`INSERT INTO ${s}.customers (id, followed_at, created_at, updated_at)
    SELECT 'cus_' || lpad(i::text, 8, '0'), CASE WHEN i % 11 = 10 THEN NULL ELSE 1 END, 1, 1
    FROM generate_series(0, ${Math.floor(N * 1.1) - 1}) AS i`)
  await pool.query(`VACUUM ANALYZE ${s}.customers`)
  const baseline: Side = {
    async run(round) {
      const b = baselineRow(round)
      const t = performance.now()
      const { rowCount } = await pool.query(
        `INSERT INTO ${s}.notifications (id, dedupe_key, channel, customer_id, message, status, attempts,
           next_attempt_at, created_at, updated_at)
         SELECT $1::text || id, $2::text || id || ':console', 'console', id, $3::jsonb, 'pending', 0, $4::bigint, $4::bigint, $4::bigint
         FROM ${s}.customers WHERE followed_at IS NOT NULL ORDER BY id COLLATE "C"`,
        [b.prefix, b.keys, MESSAGE, b.at],
      )
      const ms = performance.now() - t
      if (rowCount !== N) throw new Error(`baseline wrote ${rowCount}, expected ${N}`)
      return ms
    },
  }
  const loopkit = loopkitSide(storage)
  try {
    await compare('PostgreSQL', loopkit, baseline, async () => {
      await pool.query(`TRUNCATE ${s}.notifications`)
      await pool.query(`VACUUM ANALYZE ${s}.notifications`)
    })
  } finally {
    await loopkit.close()
    await pool.query(`DROP SCHEMA ${s} CASCADE`)
    await pool.end()
  }
}

export default async function run(): Promise<void> {
  if (only !== 'postgres') {
    const dir = mkdtempSync(join(tmpdir(), 'loopkit-bench-campaign-'))
    try {
      await sqlite(dir)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  if (only !== 'sqlite') await postgres()
}
