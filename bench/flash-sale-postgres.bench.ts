// A flash sale on PostgreSQL: 20,000 units, 24,000 checkout attempts through the public loop API
// (createLoop + postgresStorage: checkout, then the sandbox payment webhook through loop.fetch,
// which writes the order.paid outbox row), against the same three writes per order done with raw
// `pg` (decrement stock, insert order, insert outbox row, one transaction) in the same run.
// Prints orders/s, p50/p99 latency per attempt, oversold (must be 0), and the ratio. Run:
//   node --conditions=@loopkit/source --import tsx bench/run.ts postgres
// Scale with BENCH_UNITS (default 20000), BENCH_ROUNDS alternating raw/loop rounds (3), BENCH_POOL connections per side (16); the server is LOOPKIT_TEST_POSTGRES_URL or the local test db.
// Then the analytics fold's cost: the loop's sale without it, with the fold loop in the sale's
// process, and with it in a second process on the same schema (LOOPKIT_BENCH_ANALYTICS=0 skips it).
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { loadavg } from 'node:os'
import { sandboxPayments } from '../packages/core/src/dev/index.js'
import { createLoop, isLoopError } from '../packages/core/src/index.js'
import { type PostgresStorage, postgresStorage } from '../packages/storage-postgres/src/index.js'
import { foldInAnotherProcess, foldInProcess } from './analytics-fold.js'

// `pg` is a dependency of the storage package, not of the workspace root: load it from there.
type Pool = PostgresStorage['pool']
const require = createRequire(new URL('../packages/storage-postgres/package.json', import.meta.url))
const pg = require('pg') as { Pool: new (config: { connectionString: string; max: number }) => Pool }

const URL_ = process.env.LOOPKIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const UNITS = Number(process.env.BENCH_UNITS ?? 20_000)
const ATTEMPTS = Math.round(UNITS * 1.2)
const BUYERS = Math.max(1, Math.round(UNITS / 10))
const CONCURRENCY = 32
const POOL = Number(process.env.BENCH_POOL ?? 16)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)

interface Run {
  ms: number
  sold: number
  soldOut: number
  latencies: number[]
  statements: number
  /** CPU time of this Node process during the sale, ms. */
  nodeCpuMs: number
  /** CPU time of the PostgreSQL backends serving the side's pool during the sale, ms (NaN when not readable). */
  dbCpuMs: number
}

// The two cores are shared by Node and the PostgreSQL backends, so each side's CPU per order counts
// in both. A backend's CPU is read from /proc (the server runs on this machine in development; on
// another host the figure is NaN and printed as n/a). Backends are found by application_name.
const TICK_MS = 10 // USER_HZ is 100 on Linux
function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS
  } catch {
    return Number.NaN
  }
}
async function backendCpuMs(pool: Pool, app: string): Promise<number> {
  const { rows } = await pool.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
    [app],
  )
  return rows.reduce((sum, r) => sum + procCpuMs(r.pid), 0)
}
/** Starts measuring Node's CPU and the backends' (of connections named `app`); call the result after the sale. */
async function cpuMeter(
  pool: Pool,
  app: string,
): Promise<() => Promise<{ nodeCpuMs: number; dbCpuMs: number }>> {
  // Open every connection of the pool first, so each backend is there to be read before and after.
  const clients = await Promise.all(Array.from({ length: POOL }, () => pool.connect()))
  for (const c of clients) c.release()
  const db0 = await backendCpuMs(pool, app)
  const node0 = process.cpuUsage()
  return async () => {
    const node = process.cpuUsage(node0)
    return { nodeCpuMs: (node.user + node.system) / 1000, dbCpuMs: (await backendCpuMs(pool, app)) - db0 }
  }
}
/** The connection string with an application_name, so the side's backends can be told apart. */
function named(app: string): string {
  return `${URL_}${URL_.includes('?') ? '&' : '?'}application_name=${app}`
}

/** Runs `attempt(i)` for i < ATTEMPTS with CONCURRENCY in flight; times each and the whole. */
async function drive(
  attempt: (i: number) => Promise<'sold' | 'sold_out'>,
): Promise<Omit<Run, 'statements' | 'nodeCpuMs' | 'dbCpuMs'>> {
  const latencies: number[] = []
  let sold = 0
  let soldOut = 0
  let next = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ATTEMPTS) {
        const i = next++
        const t = performance.now()
        if ((await attempt(i)) === 'sold') sold++
        else soldOut++
        latencies.push(performance.now() - t)
      }
    }),
  )
  return { ms: performance.now() - t0, sold, soldOut, latencies }
}

// Every statement any client sends (pooled or pipelined) is counted, to report statements per order.
let sent = 0
const clientProto = (require('pg') as { Client: { prototype: { query: (...args: unknown[]) => unknown } } })
  .Client.prototype
const sendQuery = clientProto.query
clientProto.query = function (this: unknown, ...args: unknown[]) {
  sent++
  return sendQuery.apply(this, args)
}
/** Counts the statements sent from now on. */
function countStatements(): () => number {
  const start = sent
  return () => sent - start
}

/** Where the analytics fold runs during a loop sale (see bench/analytics-fold.ts). */
type Fold = 'off' | 'in process' | 'in process, flat out' | 'other process'

async function loopRun(
  schema: string,
  fold: Fold = 'off',
): Promise<Run & { stock: number; orders: number; paid: number; outbox: number; folded: number }> {
  const storage = postgresStorage({ connectionString: named(schema), max: POOL }, { schema })
  const sandbox = sandboxPayments()
  const loop = createLoop({
    secret: randomBytes(24).toString('base64url'),
    baseUrl: 'http://127.0.0.1:3000/loop',
    storage,
    payments: [sandbox],
    messaging: [{ id: 'console', canReach: () => true, send: async () => ({ providerMessageId: null }) }],
  })
  try {
    await loop.catalog.put({
      id: 'duck',
      title: 'Nanjing salted duck',
      description: null,
      imageUrl: null,
      price: 8800,
      currency: 'CNY',
      stock: UNITS,
      active: true,
    })
    // `put` applies stock only when it creates the SKU; the sale opens with exactly UNITS either way.
    await loop.catalog.setStock({ id: 'duck', stock: UNITS })
    // Buyers log in before the sale opens (not timed).
    const buyers: string[] = []
    for (let b = 0; b < BUYERS; b += CONCURRENCY) {
      const batch = Array.from({ length: Math.min(CONCURRENCY, BUYERS - b) }, (_, k) =>
        loop.customers.login({ profile: { provider: 'sandbox', subject: `buyer-${b + k}` } }),
      )
      for (const { customer } of await Promise.all(batch)) buyers.push(customer.id)
    }
    const stopFold =
      fold === 'in process' || fold === 'in process, flat out'
        ? await foldInProcess(storage, fold === 'in process' ? 0.05 : 1)
        : fold === 'other process'
          ? await foldInAnotherProcess({ postgres: { connectionString: URL_, schema } })
          : null
    const cpu = await cpuMeter(storage.pool, schema)
    const statements = countStatements()
    const run = await drive(async (i) => {
      try {
        const { order } = await loop.checkout({
          customerId: buyers[i % BUYERS]!,
          lines: [{ skuId: 'duck', quantity: 1 }],
          provider: 'sandbox',
          idempotencyKey: `flash-sale-attempt-${i}`,
        })
        const res = await loop.fetch(await sandbox.pay({ orderNumber: order.number }))
        if (!res.ok) throw new Error(`webhook answered ${res.status}`)
        return 'sold'
      } catch (e) {
        if (isLoopError(e) && e.code === 'out_of_stock') return 'sold_out'
        throw e
      }
    })
    const n = statements()
    const used = await cpu()
    const folded = (await stopFold?.()) ?? 0
    const { rows } = await storage.pool.query(
      `SELECT (SELECT sum(stock) FROM "${schema}".sku_stock WHERE sku_id = 'duck')::int AS stock,
              (SELECT count(*) FROM "${schema}".orders)::int AS orders,
              (SELECT count(*) FROM "${schema}".orders WHERE status = 'paid')::int AS paid,
              (SELECT count(*) FROM "${schema}".notifications)::int AS outbox`,
    )
    return { ...run, statements: n, ...used, ...rows[0], folded }
  } finally {
    await storage.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {})
    await storage.close()
  }
}

async function rawRun(schema: string): Promise<Run & { stock: number; orders: number; outbox: number }> {
  const pool = new pg.Pool({ connectionString: named(schema), max: POOL })
  const s = `"${schema}"`
  await pool.query(`CREATE SCHEMA ${s};
    CREATE TABLE ${s}.skus (id text PRIMARY KEY, stock bigint NOT NULL CHECK (stock >= 0));
    CREATE TABLE ${s}.orders (id text PRIMARY KEY, number text UNIQUE NOT NULL, customer_id text NOT NULL,
      sku_id text NOT NULL, quantity int NOT NULL, total bigint NOT NULL, status text NOT NULL, created_at bigint NOT NULL);
    CREATE TABLE ${s}.outbox (id text PRIMARY KEY, dedupe_key text UNIQUE NOT NULL, customer_id text NOT NULL,
      message jsonb NOT NULL, status text NOT NULL, next_attempt_at bigint NOT NULL);
    INSERT INTO ${s}.skus VALUES ('duck', ${UNITS});`)
  try {
    const cpu = await cpuMeter(pool, schema)
    const statements = countStatements()
    const run = await drive(async (i) => {
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        const taken = await client.query(
          `UPDATE ${s}.skus SET stock = stock - 1 WHERE id = 'duck' AND stock >= 1`,
        )
        if (taken.rowCount === 0) {
          await client.query('ROLLBACK')
          return 'sold_out'
        }
        const id = `ord_${i}`
        const now = Date.now()
        await client.query(`INSERT INTO ${s}.orders VALUES ($1, $2, $3, 'duck', 1, 8800, 'paid', $4)`, [
          id,
          `N${i}`,
          `buyer-${i % BUYERS}`,
          now,
        ])
        await client.query(`INSERT INTO ${s}.outbox VALUES ($1, $2, $3, $4, 'pending', $5)`, [
          `ntf_${i}`,
          `order.paid:${id}`,
          `buyer-${i % BUYERS}`,
          JSON.stringify({ topic: 'order.paid', title: 'Paid' }),
          now,
        ])
        await client.query('COMMIT')
        return 'sold'
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {})
        throw e
      } finally {
        client.release()
      }
    })
    const n = statements()
    const used = await cpu()
    const { rows } = await pool.query(
      `SELECT (SELECT stock FROM ${s}.skus)::int AS stock, (SELECT count(*) FROM ${s}.orders)::int AS orders,
              (SELECT count(*) FROM ${s}.outbox)::int AS outbox`,
    )
    return { ...run, statements: n, ...used, ...rows[0] }
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`).catch(() => {})
    await pool.end()
  }
}

function pct(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

function line(name: string, r: Run, oversold: number): string {
  const rate = r.sold / (r.ms / 1000)
  return (
    `${name.padEnd(34)} ${String(r.sold).padStart(6)} orders in ${(r.ms / 1000).toFixed(1).padStart(5)} s` +
    ` = ${rate.toFixed(0).padStart(5)} orders/s | p50 ${pct(r.latencies, 50).toFixed(1)} ms, p99 ${pct(r.latencies, 99).toFixed(1)} ms` +
    ` | sold out ${r.soldOut} | oversold ${oversold} | ${(r.statements / r.sold).toFixed(1)} statements/order` +
    ` | CPU/order: Node ${((r.nodeCpuMs / r.sold) * 1000).toFixed(0)} µs, db ${Number.isNaN(r.dbCpuMs) ? 'n/a' : `${((r.dbCpuMs / r.sold) * 1000).toFixed(0)} µs`}`
  )
}

export default async function run(): Promise<void> {
  const tag = randomBytes(4).toString('hex')
  console.log(
    `${UNITS} units, ${ATTEMPTS} attempts, ${CONCURRENCY} in flight, pool of ${POOL}, one Node process, ${ROUNDS} alternating rounds, load ${loadavg()[0]!.toFixed(1)}`,
  )
  // Raw and loop alternate (raw first in even rounds), so drift in the machine's load lands on both;
  // each round's ratio compares neighbours in time, and the median of those is the figure.
  const ratios: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const rawSide = async () => {
      const raw = await rawRun(`bench_raw_${tag}_${round}`)
      const rawOversold = Math.max(0, raw.orders - UNITS) + Math.max(0, -raw.stock)
      console.log(line('raw pg (3 writes, 1 transaction)', raw, rawOversold))
      if (rawOversold !== 0) throw new Error(`oversold: raw ${rawOversold}`)
      return raw
    }
    const loopSide = async () => {
      const loop = await loopRun(`bench_loop_${tag}_${round}`)
      const oversold = Math.max(0, loop.orders - UNITS) + Math.max(0, -loop.stock)
      console.log(line('loop (checkout + paid webhook)', loop, oversold))
      if (loop.paid !== loop.sold || loop.outbox !== loop.sold || loop.stock !== UNITS - loop.sold) {
        throw new Error(
          `inconsistent: paid ${loop.paid}, outbox ${loop.outbox}, stock ${loop.stock}, sold ${loop.sold}`,
        )
      }
      if (oversold !== 0) throw new Error(`oversold: loop ${oversold}`)
      return loop
    }
    let raw: Run
    let loop: Run
    if (round % 2 === 0) {
      raw = await rawSide()
      loop = await loopSide()
    } else {
      loop = await loopSide()
      raw = await rawSide()
    }
    ratios.push(loop.sold / loop.ms / (raw.sold / raw.ms))
  }
  const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!
  console.log(
    `ratio loop/raw: ${median.toFixed(2)} (median of per-round ratios ${ratios.map((r) => r.toFixed(2)).join(', ')}; target >= 1.5); load ${loadavg()[0]!.toFixed(1)}`,
  )
  if (process.env.LOOPKIT_BENCH_ANALYTICS !== '0') await analyticsCost(tag)
}

// The analytics fold's cost to the loop's sale (issue #15: at most 10%): without a fold, with the
// fold loop as `loop.start()` runs it in the sale's process, and with it in a second process on the
// same schema, in rotating order per round. The fold is caught up before each sale.
async function analyticsCost(tag: string): Promise<void> {
  const modes: Fold[] = ['off', 'in process', 'in process, flat out', 'other process']
  const rates: Record<Fold, number[]> = {
    off: [],
    'in process': [],
    'in process, flat out': [],
    'other process': [],
  }
  const folded: Record<Fold, number[]> = {
    off: [],
    'in process': [],
    'in process, flat out': [],
    'other process': [],
  }
  for (let round = 0; round < ROUNDS; round++)
    for (let k = 0; k < modes.length; k++) {
      const mode = modes[(k + round) % modes.length]!
      const r = await loopRun(`bench_fold_${tag}_${round}_${k}`, mode)
      if (r.orders > UNITS || r.stock < 0) throw new Error('oversold')
      rates[mode].push(Math.round((r.sold / r.ms) * 1000))
      folded[mode].push(r.folded)
    }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const off = med(rates.off)
  const row = (mode: Fold) => {
    const rate = med(rates[mode])
    return `${rate} orders/s (${rates[mode].join(', ')}; folded ${folded[mode].join(', ')} events during the sale): ${((rate / off) * 100).toFixed(1)}% of the rate without, cost ${(((off - rate) / off) * 100).toFixed(1)}%`
  }
  console.log(
    `analytics fold (loop sale, ${CONCURRENCY} in flight): without the fold ${off} orders/s (${rates.off.join(', ')})`,
  )
  console.log(`  fold loop in the sale's process (foldShare 0.05, the default): ${row('in process')}`)
  console.log(`  fold loop in the sale's process, flat out (foldShare 1): ${row('in process, flat out')}`)
  console.log(
    `  fold loop in a second process on the same schema: ${row('other process')}; target cost <= 10%`,
  )
}
