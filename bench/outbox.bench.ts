// Does the outbox keep up with a flash sale? The sale runs at full speed through the public API
// (checkout, then the signed sandbox webhook through loop.fetch, which commits the order.paid
// outbox row), while the background dispatcher sends through a messaging API that takes a fixed
// 20 ms per send. Printed: the paid-order rate, measured in the same run; the send rate; the
// backlog left when the sale ends and how long it takes to drain (target: under 10% of the sale).
//
//   pnpm bench outbox
//
// SQLite: one process, the sale first alone (the paid rate without dispatching) and then with
// `loop.start()`. PostgreSQL: the sale in this process, first alone, then with 2 and with 4
// separate dispatching processes. LOOPKIT_BENCH_UNITS (SQLite, default 20000), BENCH_UNITS (PostgreSQL, default 2000),
// LOOPKIT_BENCH_LATENCY_MS (default 20); LOOPKIT_OUTBOX_BENCH=sqlite|postgres runs one half.
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sandboxPayments } from '../packages/core/src/dev/index.js'
import { createLoop, type Loop } from '../packages/core/src/index.js'
import { postgresStorage } from '../packages/storage-postgres/src/index.js'
import { sqliteStorage } from '../packages/storage-sqlite/src/index.js'
import { fixedLatencyChannel, registerBuyers, SKU, sell } from './outbox-shared.js'

const here = dirname(fileURLToPath(import.meta.url))
const LATENCY = Number(process.env.LOOPKIT_BENCH_LATENCY_MS ?? 20)
const SQLITE_UNITS = Number(process.env.LOOPKIT_BENCH_UNITS ?? 20_000)
const PG_UNITS = Number(process.env.BENCH_UNITS ?? 2_000)
const PG_URL = process.env.LOOPKIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const CONCURRENCY = 32
const only = process.env.LOOPKIT_OUTBOX_BENCH

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000)
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/** Polls `pending()` until it is 0; returns how long that took. */
async function drain(pending: () => Promise<number>): Promise<number> {
  const t0 = performance.now()
  while ((await pending()) > 0) await new Promise((r) => setTimeout(r, 10))
  return performance.now() - t0
}

function report(input: {
  paid: number
  saleMs: number
  sentDuringSale: number
  backlog: number
  drainMs: number
}): void {
  const { paid, saleMs, sentDuringSale, backlog, drainMs } = input
  console.log(
    `  paid ${paid} in ${secs(saleMs)} = ${rate(paid, saleMs)} orders/s | sent during the sale ${sentDuringSale} = ${rate(sentDuringSale, saleMs)} messages/s`,
  )
  const share = (drainMs / saleMs) * 100
  console.log(
    `  backlog at the end of the sale ${backlog} rows, drained in ${secs(drainMs)} = ${share.toFixed(1)}% of the sale (target < 10%: ${share < 10 ? 'met' : 'NOT met'})`,
  )
  console.log(
    `  overall: ${rate(paid, saleMs + drainMs)} messages/s from the sale's start to an empty outbox`,
  )
}

async function sqliteRun(dir: string, dispatch: boolean) {
  const storage = sqliteStorage({ file: join(dir, `sale-${dispatch ? 'dispatch' : 'alone'}.db`) })
  const sandbox = sandboxPayments()
  const channel = fixedLatencyChannel(LATENCY)
  const loop = createLoop({
    secret: 'outbox-bench-secret-0123456789abcdef-0123',
    baseUrl: 'http://127.0.0.1:3000/loop',
    storage,
    payments: [sandbox],
    messaging: [channel],
  })
  try {
    await loop.catalog.put({ ...SKU, stock: SQLITE_UNITS })
    const buyers = await registerBuyers(loop, Math.round(SQLITE_UNITS * 1.2))
    if (dispatch) loop.start()
    const sale = await sell({ loop, sandbox, buyers, concurrency: CONCURRENCY })
    const sentDuringSale = channel.sent()
    const backlog = await pendingRows(loop, 10_000_000)
    // Without a dispatcher during the sale, the whole outbox is left: draining it measures capacity.
    if (!dispatch) loop.start()
    const drainMs = await drain(() => pendingRows(loop, 1))
    return { ...sale, sentDuringSale, backlog, drainMs }
  } finally {
    await loop.close()
  }
}

async function pendingRows(loop: Loop, limit: number): Promise<number> {
  return (await loop.notify.list({ status: 'pending', limit })).length
}

async function sqliteBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'loopkit-outbox-bench-'))
  try {
    console.log(
      `SQLite (synchronous=FULL): ${SQLITE_UNITS} units, ${Math.round(SQLITE_UNITS * 1.2)} attempts, ${CONCURRENCY} in flight, ${LATENCY} ms per send`,
    )
    const alone = await sqliteRun(dir, false)
    console.log(`sale alone (no dispatcher): ${rate(alone.paid, alone.ms)} orders/s, ${alone.paid} paid`)
    console.log(
      `  then loop.start() drained its ${alone.backlog} rows in ${secs(alone.drainMs)}: dispatch capacity ${rate(alone.backlog, alone.drainMs)} messages/s = ${(alone.backlog / alone.drainMs / (alone.paid / alone.ms)).toFixed(2)}× the paid rate`,
    )
    const run = await sqliteRun(dir, true)
    console.log('sale with loop.start() dispatching in the same process:')
    report({
      paid: run.paid,
      saleMs: run.ms,
      sentDuringSale: run.sentDuringSale,
      backlog: run.backlog,
      drainMs: run.drainMs,
    })
    console.log(
      `  paid rate with / without the dispatcher: ${(run.paid / run.ms / (alone.paid / alone.ms)).toFixed(2)}`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function startDispatcher(
  schema: string,
  held = false,
): Promise<{ child: ChildProcess; result: Promise<{ sent: number }> }> {
  return new Promise((ready, fail) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@loopkit/source', '--import', 'tsx', join(here, 'outbox-dispatcher.ts')],
      {
        cwd: join(here, '..'),
        env: {
          ...process.env,
          LOOPKIT_OUTBOX_WORKER: JSON.stringify({
            connectionString: PG_URL,
            schema,
            latencyMs: LATENCY,
            held,
          }),
        },
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    )
    let out = ''
    const result = new Promise<{ sent: number }>((resolve, reject) => {
      child.on('exit', (code) => {
        if (code !== 0) return reject(new Error(`dispatcher exited with ${code}`))
        resolve(JSON.parse(out.trim().split('\n').at(-1)!))
      })
    })
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.startsWith('ready\n')) ready({ child, result })
    })
    child.on('error', fail)
  })
}

async function postgresRun(processes: number): Promise<void> {
  const schema = `bench_outbox_${randomBytes(4).toString('hex')}`
  const storage = postgresStorage({ connectionString: PG_URL, max: 16 }, { schema })
  const sandbox = sandboxPayments()
  const loop = createLoop({
    secret: 'outbox-bench-secret-0123456789abcdef-0123',
    baseUrl: 'http://127.0.0.1:3000/loop',
    storage,
    payments: [sandbox],
    messaging: [fixedLatencyChannel(LATENCY)],
  })
  const dispatchers: Array<Awaited<ReturnType<typeof startDispatcher>>> = []
  const pending = async () => {
    const { rows } = await storage.pool.query(
      `SELECT count(*)::int AS n FROM "${schema}".notifications WHERE status = 'pending'`,
    )
    return rows[0].n as number
  }
  try {
    await loop.catalog.put({ ...SKU, stock: PG_UNITS })
    const buyers = await registerBuyers(loop, Math.round(PG_UNITS * 1.2))
    for (let i = 0; i < processes; i++) dispatchers.push(await startDispatcher(schema))
    const sale = await sell({ loop, sandbox, buyers, concurrency: CONCURRENCY })
    if (processes === 0) {
      console.log(`sale alone (no dispatcher): ${rate(sale.paid, sale.ms)} orders/s, ${sale.paid} paid`)
      // The whole outbox is left: two dispatching processes draining it measure capacity.
      for (let i = 0; i < 2; i++) dispatchers.push(await startDispatcher(schema, true))
      for (const d of dispatchers) d.child.stdin!.write('go\n')
      const drainMs = await drain(pending)
      for (const d of dispatchers) d.child.stdin!.end('stop\n')
      await Promise.all(dispatchers.map((d) => d.result))
      console.log(
        `  then 2 dispatching processes drained its ${sale.paid} rows in ${secs(drainMs)}: capacity ${rate(sale.paid, drainMs)} messages/s = ${(sale.paid / drainMs / (sale.paid / sale.ms)).toFixed(2)}× the paid rate`,
      )
      return
    }
    const { rows } = await storage.pool.query(
      `SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*) FILTER (WHERE status = 'pending')::int AS pending
       FROM "${schema}".notifications`,
    )
    const drainMs = await drain(pending)
    for (const d of dispatchers) d.child.stdin!.end('stop\n')
    const sent = (await Promise.all(dispatchers.map((d) => d.result))).map((r) => r.sent)
    console.log(`${processes} dispatching processes (sends per process: ${sent.join(', ')}):`)
    report({
      paid: sale.paid,
      saleMs: sale.ms,
      sentDuringSale: rows[0].sent,
      backlog: rows[0].pending,
      drainMs,
    })
    const total = sent.reduce((a, b) => a + b, 0)
    if (total < sale.paid) throw new Error(`only ${total} of ${sale.paid} messages were sent`)
    if (total > sale.paid) console.log(`  ${total - sale.paid} repeated sends (leases that ran out)`)
  } finally {
    for (const d of dispatchers) if (d.child.exitCode === null) d.child.kill()
    await storage.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {})
    await storage.close()
  }
}

export default async function run(): Promise<void> {
  if (only !== 'postgres') await sqliteBench()
  if (only !== 'sqlite') {
    console.log(
      `PostgreSQL: ${PG_UNITS} units, ${Math.round(PG_UNITS * 1.2)} attempts, ${CONCURRENCY} in flight (pool of 16), ${LATENCY} ms per send`,
    )
    const counts = (process.env.LOOPKIT_OUTBOX_PROCESSES ?? '0,2,4').split(',').map(Number)
    for (const n of counts) await postgresRun(n)
  }
}
