// Campaign fan-out rate into the outbox (issue #10): `loop.campaigns.send` writing one outbox row per
// follower, batch by batch with the cursor compare-and-set, against a hand-written
// `INSERT … SELECT` that writes the same rows in one statement, on SQLite, in the same run.
//
//   node --conditions=@loopkit/source --import tsx bench/run.ts campaign
//
// BENCH_MEMBERS (default 200,000) sets the audience size. The pool is generated inside the database.
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLoop } from '@loopkit/core'
import { consoleMessaging } from '@loopkit/core/dev'
import { sqliteStorage } from '../packages/storage-sqlite/src/index.js'

// better-sqlite3 is a dependency of the storage package, not of the workspace root.
const require = createRequire(new URL('../packages/storage-sqlite/package.json', import.meta.url))
interface Db {
  exec(sql: string): void
  pragma(sql: string): unknown
  prepare(sql: string): { get(...p: unknown[]): unknown; run(...p: unknown[]): { changes: number } }
  close(): void
}
const Database = require('better-sqlite3') as new (file: string) => Db

const N = Number(process.env.BENCH_MEMBERS ?? 200_000)

/** A fresh database file with N followers (and N/10 customers who do not follow). */
async function pool(dir: string, name: string): Promise<string> {
  const file = join(dir, name)
  const init = sqliteStorage({ file })
  await init.countCustomers({})
  await init.close?.()
  const db = new Database(file)
  db.exec(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${Math.floor(N * 1.1) - 1})
    INSERT INTO customers (id, identities, display_name, avatar_url, tags, consents, referred_by, followed_at,
      unfollowed_at, last_interaction_at, time_zone, created_at, updated_at)
    SELECT printf('cus_%08d', i), '[]', NULL, NULL, '[]', '[]', NULL, CASE WHEN i % 11 = 10 THEN NULL ELSE 1 END,
      NULL, NULL, NULL, 1, 1 FROM n`)
  const followers = (
    db.prepare('SELECT count(*) AS n FROM customers WHERE followed_at IS NOT NULL').get() as {
      n: number
    }
  ).n
  db.close()
  if (followers !== N) throw new Error(`pool has ${followers} followers, expected ${N}`)
  return file
}

async function loopkit(file: string): Promise<number> {
  const storage = sqliteStorage({ file })
  const loop = createLoop({
    secret: 'bench-secret-bench-secret-bench-secret-01',
    baseUrl: 'http://127.0.0.1/loop',
    storage,
    messaging: [consoleMessaging({ log: () => {} })],
  })
  const c = await loop.campaigns.create({
    audience: 'followers',
    message: { title: 'Mid-autumn', body: 'Mooncake duck, 20% off' },
    channelPlan: { channels: ['console'] },
  })
  const t = performance.now()
  const done = await loop.campaigns.send({ id: c.id })
  const ms = performance.now() - t
  await loop.close()
  if (done.queued !== N) throw new Error(`loopkit queued ${done.queued}, expected ${N}`)
  return ms
}

function baseline(file: string): number {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  const message = JSON.stringify({
    topic: 'campaign',
    title: 'Mid-autumn',
    body: 'Mooncake duck, 20% off',
    fields: {},
  })
  const t = performance.now()
  const { changes } = db
    .prepare(`INSERT INTO notifications (id, dedupe_key, channel, customer_id, message, status, attempts,
        next_attempt_at, created_at, updated_at)
      SELECT 'ntf_' || id, 'campaign:base:' || id || ':console', 'console', id, ?, 'pending', 0, 1, 1, 1
      FROM customers WHERE followed_at IS NOT NULL ORDER BY id`)
    .run(message)
  const ms = performance.now() - t
  db.close()
  if (changes !== N) throw new Error(`baseline wrote ${changes}, expected ${N}`)
  return ms
}

export default async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'loopkit-bench-campaign-'))
  try {
    const base = baseline(await pool(dir, 'baseline.db'))
    const ours = await loopkit(await pool(dir, 'loopkit.db'))
    const rate = (ms: number) => Math.round(N / (ms / 1000))
    console.log(`campaign fan-out into the outbox, ${N.toLocaleString('en')} followers (SQLite file)`)
    console.log(
      `  loopkit.campaigns.send   ${rate(ours).toLocaleString('en')} rows/s  (${ours.toFixed(0)} ms)`,
    )
    console.log(
      `  INSERT … SELECT baseline ${rate(base).toLocaleString('en')} rows/s  (${base.toFixed(0)} ms)`,
    )
    console.log(`  ratio ${(base / ours).toFixed(2)}× of the baseline`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
