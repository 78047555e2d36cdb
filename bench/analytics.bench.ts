// Loop analytics over a large history: 1,000,000 orders / ~5,000,000 events (LOOPKIT_BENCH_SCALE=0.01
// for a quick look), seeded with bulk SQL into the raw tables of SQLite and PostgreSQL, then folded
// into rollups by the real fold. Times the people funnel, the repurchase cohorts and the sharer
// leaderboard read through loop.analytics (rollups only) against hand-written SQL computing the same
// numbers on the raw tables in the same run, in alternating rounds (BENCH_ROUNDS, 3), checks both give
// the same numbers, and prints the median of the rounds' ratios.
// Then a quick checkout cost: checkout + pay through the loop on SQLite with and without the
// background fold alongside (the fold is the only analytics work; checkout itself writes nothing
// more); the flash-sale benches measure it properly, in rounds, in process and in a second process.
//
//   node --conditions=@loopkit/source --import tsx bench/run.ts analytics
//
// LOOPKIT_BENCH_DB=sqlite|postgres runs one store only; the server is LOOPKIT_TEST_POSTGRES_URL or the local test db;
// LOOPKIT_BENCH_KEEP=1 keeps the PostgreSQL schema for a look at the plans (drop it yourself).
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sandboxPayments } from '../packages/core/src/dev/index.js'
import { createLoop, type StorageAdapter } from '../packages/core/src/index.js'
import { type PostgresStorage, postgresStorage } from '../packages/storage-postgres/src/index.js'
import { sqliteStorage } from '../packages/storage-sqlite/src/index.js'
import { foldInProcess } from './analytics-fold.js'

const require = createRequire(new URL('../packages/storage-sqlite/package.json', import.meta.url))
/** The part of better-sqlite3 the seeding uses (it is a dependency of the storage package, not of the root). */
interface SqliteDb {
  pragma(sql: string): unknown
  prepare(sql: string): { run(...params: unknown[]): unknown; all(...params: unknown[]): unknown[] }
  transaction<F extends () => void>(fn: F): F
  close(): void
}
const Database = require('better-sqlite3') as new (file: string) => SqliteDb
const pgRequire = createRequire(new URL('../packages/storage-postgres/package.json', import.meta.url))
const pg = pgRequire('pg') as {
  Pool: new (config: { connectionString: string; max: number }) => PostgresStorage['pool']
}

const SCALE = Number(process.env.LOOPKIT_BENCH_SCALE ?? 1)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!
const ORDERS = Math.round(1_000_000 * SCALE)
const CUSTOMERS = Math.max(10, Math.round(ORDERS / 4))
const SHARES = Math.max(5, Math.round(CUSTOMERS / 10))
const T0 = Date.UTC(2026, 0, 1)
const DAY = 86_400_000
const PG_URL = process.env.LOOPKIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
/** All time, and the admin page's default: the last 30 days (here the history's last 30). */
const WINDOWS = [
  { name: 'all time', from: '2025-12-01', to: '2026-12-31' },
  { name: '30 days', from: '2026-05-31', to: '2026-06-29' },
]
/** The window a read is asked for (the name is the bench's label, not an input). */
const win = (w: { from: string; to: string }) => ({ from: w.from, to: w.to })
const msRange = (w: { from: string; to: string }) => [Date.parse(w.from), Date.parse(w.to) + DAY - 1] as const

/** Deterministic 0..1 from an integer (a hash, so the history is the same on every store). */
function h(n: number, salt: number): number {
  let x = Math.imul(n ^ (salt * 0x9e3779b1), 0x85ebca6b)
  x ^= x >>> 13
  x = Math.imul(x, 0xc2b2ae35)
  x ^= x >>> 16
  return (x >>> 0) / 4_294_967_296
}

type Row = Record<string, unknown>
/** The raw rows of the history, generated a chunk at a time. */
function* history(): Generator<{ orders: Row[]; events: Row[]; shares: Row[] }> {
  let seq = 0
  const ev = (type: string, at: number, customerId: string | null, orderId: string | null, data: Row) => ({
    id: `evt_${++seq}`,
    type,
    at,
    customer_id: customerId,
    order_id: orderId,
    data: JSON.stringify(data),
  })
  const shares: Row[] = []
  const events: Row[] = []
  for (let s = 0; s < SHARES; s++) {
    const owner = `c${Math.floor(h(s, 1) * CUSTOMERS)}`
    const at = T0 + Math.floor(h(s, 2) * 30 * DAY)
    shares.push({
      id: `s${s}`,
      customer_id: owner,
      sku_id: 'duck',
      target: '/',
      channel: 'wechat',
      created_at: at,
    })
    events.push(ev('share.created', at, owner, null, { shareId: `s${s}`, skuId: 'duck', channel: 'wechat' }))
  }
  for (let c = 0; c < CUSTOMERS; c++) {
    const at = T0 + Math.floor(h(c, 3) * 180 * DAY)
    for (let k = 0; k < 3; k++)
      events.push(ev('customer.logged_in', at + k * DAY, `c${c}`, null, { provider: 'sandbox' }))
    events.push(ev('visitor.seen', at - 60_000, null, null, { visitor: `b${c}`, path: '/' }))
  }
  yield { orders: [], events: events.splice(0), shares }
  const CHUNK = 10_000
  for (let start = 0; start < ORDERS; start += CHUNK) {
    const orders: Row[] = []
    for (let i = start; i < Math.min(ORDERS, start + CHUNK); i++) {
      const c = Math.floor(h(i, 4) * CUSTOMERS)
      const created = T0 + Math.floor((i / ORDERS) * 180 * DAY + h(i, 5) * DAY)
      const paid = h(i, 6) < 0.9
      const share = h(i, 7) < 0.3 ? Math.floor(h(i, 8) * SHARES) : null
      const sharer = share === null ? null : `c${Math.floor(h(share, 1) * CUSTOMERS)}`
      const attribution =
        share === null || sharer === `c${c}`
          ? null
          : { shareId: `s${share}`, sharerId: sharer, visitedAt: created - 60_000 }
      const refunded = paid && h(i, 9) < 0.02 ? 4400 : 0
      const id = `o${i}`
      const paidAt = paid ? created + 60_000 : null
      orders.push({
        id,
        number: `N${String(i).padStart(10, '0')}`,
        customer_id: `c${c}`,
        lines: JSON.stringify([{ skuId: 'duck', title: 'Duck', quantity: 1, unitPrice: 8800 }]),
        total: 8800,
        currency: 'CNY',
        status: paid ? (refunded ? 'partially_refunded' : 'paid') : 'expired',
        provider: 'sandbox',
        attribution: attribution ? JSON.stringify(attribution) : null,
        refunded,
        created_at: created,
        expires_at: created + 30 * 60_000,
        paid_at: paidAt,
        updated_at: created,
      })
      events.push(ev('customer.logged_in', created - 120_000, `c${c}`, null, { provider: 'sandbox' }))
      if (attribution)
        events.push(
          ev('share.visited', created - 60_000, null, null, {
            shareId: attribution.shareId,
            sharerId: attribution.sharerId,
            visitor: `b${c}`,
          }),
        )
      events.push(
        ev('order.created', created, `c${c}`, id, {
          number: `N${i}`,
          total: 8800,
          currency: 'CNY',
          attribution,
        }),
      )
      if (!paidAt) continue
      events.push(ev('order.paid', paidAt, `c${c}`, id, { total: 8800, currency: 'CNY', attribution }))
      events.push(ev('notification.sent', paidAt + 1000, `c${c}`, id, { topic: 'order.paid' }))
      if (refunded)
        events.push(
          ev('order.refunded', paidAt + 2 * DAY, `c${c}`, id, {
            number: `R${i}`,
            amount: refunded,
            currency: 'CNY',
          }),
        )
    }
    yield { orders, events: events.splice(0), shares: [] }
  }
}

const ORDER_COLS = [
  'id',
  'number',
  'customer_id',
  'lines',
  'total',
  'currency',
  'status',
  'provider',
  'attribution',
  'refunded',
  'created_at',
  'expires_at',
  'paid_at',
  'updated_at',
]
const EVENT_COLS = ['id', 'type', 'at', 'customer_id', 'order_id', 'data']
const SHARE_COLS = ['id', 'customer_id', 'sku_id', 'target', 'channel', 'created_at']

/** The hand-written raw-table queries of one store, each answering what one analytics read does. */
interface Baseline {
  funnel(lo: number, hi: number): Promise<Record<string, number>>
  cohorts(): Promise<Array<{ month: string; buyers: number; repeaters: number }>>
  /** Top 20 sharers: id, distinct friend buyers, orders, net revenue. */
  leaderboard(
    lo: number,
    hi: number,
  ): Promise<Array<{ sharerId: string; buyers: number; orders: number; revenue: number }>>
}

const time = async <T>(fn: () => Promise<T>, runs: number): Promise<{ ms: number; value: T }> => {
  const all: number[] = []
  let value!: T
  for (let r = 0; r < runs; r++) {
    const t = performance.now()
    value = await fn()
    all.push(performance.now() - t)
  }
  all.sort((a, b) => a - b)
  return { ms: all[Math.floor(all.length / 2)]!, value }
}

async function compare(
  name: string,
  storage: StorageAdapter,
  baseline: Baseline,
  seedMs: number,
  events: number,
  afterFold: () => Promise<void> = async () => {},
) {
  const loop = createLoop({
    secret: 'analytics-bench-secret-0123456789abcdef',
    baseUrl: 'http://127.0.0.1/loop',
    storage,
    payments: [sandboxPayments()],
  })
  const f0 = performance.now()
  const { folded } = await loop.analytics.fold()
  const foldMs = performance.now() - f0
  await afterFold()
  console.log(
    `${name}: seeded ${ORDERS} orders / ${events} events in ${(seedMs / 1000).toFixed(1)} s; fold ${folded} events in ${(foldMs / 1000).toFixed(1)} s (${Math.round((folded / foldMs) * 1000)} events/s)`,
  )
  const [lo, hi] = msRange(WINDOWS[1]!)
  const reads = [
    [
      'funnel',
      () => loop.analytics.funnel(win(WINDOWS[0]!)),
      () => baseline.funnel(0, Number.MAX_SAFE_INTEGER),
    ],
    ['funnel 30d', () => loop.analytics.funnel(win(WINDOWS[1]!)), () => baseline.funnel(lo, hi)],
    ['cohorts', () => loop.analytics.cohorts(win(WINDOWS[0]!)), () => baseline.cohorts()],
    [
      'leaderboard',
      () => loop.analytics.leaderboard({ ...win(WINDOWS[0]!), limit: 20 }),
      () => baseline.leaderboard(0, Number.MAX_SAFE_INTEGER),
    ],
    [
      'leaders 30d',
      () => loop.analytics.leaderboard({ ...win(WINDOWS[1]!), limit: 20 }),
      () => baseline.leaderboard(lo, hi),
    ],
  ] as const
  // Alternating rounds (rollups first in even rounds, raw SQL first in odd ones), so drift in the
  // machine's load lands on both sides; each round compares the median of 7 rollup reads with one
  // raw query run next to them, and the figure is the median of the rounds' ratios.
  for (const [name, viaRollups, viaRaw] of reads) {
    const what = name.split(' ')[0]!
    const ratios: number[] = []
    const rollupMs: number[] = []
    const rawMs: number[] = []
    let a!: { ms: number; value: unknown }
    let b!: { ms: number; value: unknown }
    for (let round = 0; round < ROUNDS; round++) {
      const rollups = () => time(viaRollups as () => Promise<unknown>, 7)
      const raw = () => time(viaRaw as () => Promise<unknown>, 1)
      if (round % 2 === 0) {
        a = await rollups()
        b = await raw()
      } else {
        b = await raw()
        a = await rollups()
      }
      rollupMs.push(a.ms)
      rawMs.push(b.ms)
      ratios.push(b.ms / a.ms)
    }
    const same = JSON.stringify(normalise(what, a.value)) === JSON.stringify(normalise(what, b.value))
    console.log(
      `  ${name.padEnd(12)} rollups ${median(rollupMs).toFixed(1)} ms   raw SQL ${median(rawMs).toFixed(1)} ms   ${median(ratios).toFixed(1)}× faster (median of rounds ${ratios.map((r) => r.toFixed(1)).join(', ')})   same numbers: ${same}`,
    )
    if (!same)
      console.log(
        '    rollups',
        JSON.stringify(normalise(what, a.value)).slice(0, 300),
        '\n    raw    ',
        JSON.stringify(normalise(what, b.value)).slice(0, 300),
      )
  }
}

function normalise(what: string, v: unknown): unknown {
  if (what === 'funnel') {
    const steps = (v as { steps?: Array<{ step: string; people: number }> }).steps
    return steps ? Object.fromEntries(steps.map((s) => [s.step, s.people])) : v
  }
  if (what === 'cohorts')
    return (v as Array<{ month: string; buyers: number; repeaters: number }>).map(
      ({ month, buyers, repeaters }) => ({ month, buyers, repeaters }),
    )
  return (
    v as Array<{ sharerId: string; buyers: number; orders: number; revenue: number | Record<string, number> }>
  ).map((r) => ({
    sharerId: r.sharerId,
    buyers: r.buyers,
    orders: r.orders,
    revenue: typeof r.revenue === 'number' ? r.revenue : (r.revenue.CNY ?? 0),
  }))
}

const SQL = {
  funnel: (
    events: string,
    orders: string,
    json: (col: string, path: string) => string,
    lo: number,
    hi: number,
  ) => `
    SELECT 'visited' AS step, COUNT(DISTINCT p) AS people FROM (
      SELECT COALESCE('v:' || ${json('data', 'visitor')}, customer_id) AS p FROM ${events}
      WHERE type IN ('visitor.seen', 'share.visited', 'customer.logged_in') AND at BETWEEN ${lo} AND ${hi}) AS v
    UNION ALL SELECT CASE type WHEN 'customer.logged_in' THEN 'logged_in' WHEN 'order.created' THEN 'checked_out'
      WHEN 'order.paid' THEN 'paid' ELSE 'shared' END, COUNT(DISTINCT customer_id) FROM ${events}
      WHERE type IN ('customer.logged_in', 'order.created', 'order.paid', 'share.created') AND at BETWEEN ${lo} AND ${hi} GROUP BY type
    UNION ALL SELECT 'friend_visited', COUNT(DISTINCT COALESCE(customer_id, 'v:' || ${json('data', 'visitor')})) FROM ${events}
      WHERE type = 'share.visited' AND at BETWEEN ${lo} AND ${hi}
    UNION ALL SELECT 'friend_bought', COUNT(DISTINCT customer_id) FROM ${orders} WHERE paid_at BETWEEN ${lo} AND ${hi} AND attribution IS NOT NULL`,
  cohorts: (orders: string, month: string) => `
    WITH p AS (SELECT customer_id, paid_at, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY paid_at) AS rn FROM ${orders} WHERE paid_at IS NOT NULL),
    f AS (SELECT customer_id, MAX(CASE WHEN rn = 1 THEN paid_at END) AS first, MAX(CASE WHEN rn = 2 THEN paid_at END) AS second FROM p WHERE rn <= 2 GROUP BY customer_id)
    SELECT ${month} AS month, COUNT(*) AS buyers, COUNT(second) AS repeaters FROM f GROUP BY 1 ORDER BY 1`,
  leaderboard: (
    orders: string,
    events: string,
    sharer: string,
    visitSharer: string,
    lo: number,
    hi: number,
  ) => `
    WITH o AS (SELECT ${sharer} AS sharer, COUNT(DISTINCT customer_id) AS buyers, COUNT(*) AS orders, SUM(total - refunded) AS revenue
               FROM ${orders} WHERE paid_at BETWEEN ${lo} AND ${hi} AND attribution IS NOT NULL GROUP BY 1),
    v AS (SELECT ${visitSharer} AS sharer, COUNT(*) AS visits FROM ${events} WHERE type = 'share.visited' AND at BETWEEN ${lo} AND ${hi} GROUP BY 1)
    SELECT o.sharer AS "sharerId", o.buyers, o.orders, o.revenue FROM o LEFT JOIN v ON v.sharer = o.sharer
    ORDER BY o.buyers DESC, COALESCE(v.visits, 0) DESC, o.sharer LIMIT 20`,
}

const funnelOrder = [
  'visited',
  'logged_in',
  'checked_out',
  'paid',
  'shared',
  'friend_visited',
  'friend_bought',
]
const funnelOf = (rows: Array<{ step: string; people: number }>) =>
  Object.fromEntries(funnelOrder.map((s) => [s, Number(rows.find((r) => r.step === s)?.people ?? 0)]))

async function sqliteRun(dir: string) {
  const file = join(dir, 'analytics.db')
  const storage = sqliteStorage({ file, synchronous: 'normal' })
  await storage.listSkus({}) // opens and migrates
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = OFF')
  const insert = (table: string, cols: string[]) =>
    db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`)
  const io = insert('orders', ORDER_COLS),
    ie = insert('events', EVENT_COLS),
    is = insert('shares', SHARE_COLS)
  const t = performance.now()
  let events = 0
  for (const chunk of history())
    db.transaction(() => {
      for (const r of chunk.shares) is.run(r)
      for (const r of chunk.orders) io.run(r)
      for (const r of chunk.events) ie.run(r)
      events += chunk.events.length
    })()
  const seedMs = performance.now() - t
  const all = <T>(sql: string) => Promise.resolve(db.prepare(sql).all() as T[])
  const baseline: Baseline = {
    funnel: async (lo, hi) =>
      funnelOf(await all(SQL.funnel('events', 'orders', (c, p) => `json_extract(${c}, '$.${p}')`, lo, hi))),
    cohorts: () => all(SQL.cohorts('orders', `strftime('%Y-%m', first / 1000, 'unixepoch')`)),
    leaderboard: (lo, hi) =>
      all(
        SQL.leaderboard(
          'orders',
          'events',
          `json_extract(attribution, '$.sharerId')`,
          `json_extract(data, '$.sharerId')`,
          lo,
          hi,
        ),
      ),
  }
  await compare('SQLite', storage, baseline, seedMs, events)
  db.close()
  await storage.close?.()
}

async function postgresRun() {
  const schema = `bench_analytics_${Date.now()}`
  const pool = new pg.Pool({ connectionString: PG_URL, max: 8 })
  const storage = postgresStorage({ pool }, { schema })
  await storage.migrate()
  const s = `"${schema}"`
  const t = performance.now()
  let events = 0
  const bulk = async (table: string, cols: string[], rows: Row[], types: Record<string, string>) => {
    if (!rows.length) return
    const arrays = cols.map((c) => rows.map((r) => r[c] ?? null))
    const casts = cols.map((c, i) => `$${i + 1}::${types[c] ?? 'text'}[]`)
    await pool.query(
      `INSERT INTO ${s}.${table} (${cols.join(', ')}) SELECT * FROM unnest(${casts.join(', ')})`,
      arrays,
    )
  }
  const big = {
    total: 'bigint',
    refunded: 'bigint',
    created_at: 'bigint',
    expires_at: 'bigint',
    paid_at: 'bigint',
    updated_at: 'bigint',
    at: 'bigint',
    lines: 'jsonb',
    attribution: 'jsonb',
    data: 'jsonb',
  }
  for (const chunk of history()) {
    await bulk('shares', SHARE_COLS, chunk.shares, big)
    await bulk('orders', ORDER_COLS, chunk.orders, big)
    await bulk('events', EVENT_COLS, chunk.events, big)
    events += chunk.events.length
  }
  await pool.query(`ANALYZE ${s}.orders; ANALYZE ${s}.events`)
  const seedMs = performance.now() - t
  const all = async <T>(sql: string) => (await pool.query(sql)).rows as T[]
  const num = <T extends Row>(rows: T[]) =>
    rows.map(
      (r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v]),
        ) as T,
    )
  const baseline: Baseline = {
    funnel: async (lo, hi) =>
      funnelOf(num(await all(SQL.funnel(`${s}.events`, `${s}.orders`, (c, p) => `(${c}->>'${p}')`, lo, hi)))),
    cohorts: async () =>
      num(
        await all(
          SQL.cohorts(`${s}.orders`, `to_char(to_timestamp(first / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM')`),
        ),
      ),
    leaderboard: async (lo, hi) =>
      num(
        await all(
          SQL.leaderboard(
            `${s}.orders`,
            `${s}.events`,
            `(attribution->>'sharerId')`,
            `(data->>'sharerId')`,
            lo,
            hi,
          ),
        ),
      ),
  }
  try {
    // The raw tables were analyzed after seeding; the rollup tables get the same (what autovacuum
    // does to a live database), so both sides are planned with statistics.
    await compare('PostgreSQL', storage, baseline, seedMs, events, async () => {
      await pool.query(
        [
          'rollup_counts',
          'rollup_totals',
          'rollup_seen',
          'rollup_reach',
          'rollup_last',
          'rollup_people_total',
          'rollup_buyers',
        ]
          .map((t) => `ANALYZE ${s}.${t}`)
          .join('; '),
      )
    })
  } finally {
    if (process.env.LOOPKIT_BENCH_KEEP) console.log(`kept schema ${s}`)
    else await pool.query(`DROP SCHEMA ${s} CASCADE`)
    await pool.end()
  }
}

/** Checkout + pay through the loop on SQLite, `n` orders 16 in flight, with or without the background fold alongside. */
async function checkoutRate(dir: string, n: number, withFold: boolean, tag: string): Promise<number> {
  const storage = sqliteStorage({ file: join(dir, `checkout-${tag}.db`), synchronous: 'normal' })
  const sandbox = sandboxPayments()
  const loop = createLoop({
    secret: 'analytics-bench-secret-0123456789abcdef',
    baseUrl: 'http://127.0.0.1/loop',
    storage,
    payments: [sandbox],
  })
  await loop.catalog.put({
    id: 'duck',
    title: 'Duck',
    description: null,
    imageUrl: null,
    price: 8800,
    currency: 'CNY',
    stock: null,
    active: true,
  })
  const buyers = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      loop.customers.login({ profile: { provider: 'sandbox', subject: `b${i}` } }),
    ),
  )
  // The fold as loop.start() runs it (analytics.foldShare 0.05 while behind), caught up first.
  const stopFold = withFold ? await foldInProcess(storage) : null
  let next = 0
  const t = performance.now()
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < n) {
        const i = next++
        const { order } = await loop.checkout({
          customerId: buyers[i % buyers.length]!.customer.id,
          lines: [{ skuId: 'duck', quantity: 1 }],
        })
        await loop.fetch(await sandbox.pay({ orderNumber: order.number }))
      }
    }),
  )
  const ms = performance.now() - t
  await stopFold?.()
  await loop.close()
  return (n / ms) * 1000
}

export default async function run(): Promise<void> {
  const only = process.env.LOOPKIT_BENCH_DB
  const dir = mkdtempSync(join(tmpdir(), 'loopkit-analytics-'))
  try {
    if (!only || only === 'sqlite') await sqliteRun(dir)
    if (!only || only === 'postgres') await postgresRun()
    const n = Math.max(2000, Math.round(20_000 * SCALE))
    const before = await checkoutRate(dir, n, false, 'a')
    const withFold = await checkoutRate(dir, n, true, 'b')
    const after = await checkoutRate(dir, n, false, 'c')
    const base = (before + after) / 2
    console.log(
      `checkout + pay on SQLite, ${n} orders, 16 in flight: without fold ${Math.round(base)} orders/s, with the background fold (foldShare 0.05) ${Math.round(withFold)} orders/s: cost ${(((base - withFold) / base) * 100).toFixed(1)}% (the flash-sale benches measure it in rounds)`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
