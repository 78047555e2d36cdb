// Flash sale on SQLite: 150,000 units, 200,000 checkout attempts through the public loop API
// (loop.checkout, then a signed sandbox webhook through loop.fetch that marks the order paid with
// its payment, event and outbox row), against a raw better-sqlite3 baseline doing the same three
// writes per order (decrement stock, insert order, insert outbox row) on the same machine, in the
// same run, with the same durability setting.
//
//   node --conditions=@loopkit/source --import tsx bench/run.ts sqlite
//
// It runs twice: with SQLite's `synchronous=FULL` (the adapter's default: a commit survives a power
// cut) and with `NORMAL` (survives a killed process, not a power cut), both sides alike each time.
// LOOPKIT_BENCH_SYNC=normal|full runs one of them only; LOOPKIT_BENCH_SCALE=0.1 runs a tenth of
// the sale for a quick look.
//
// Then the rate limiter's cost: the sale with checkout over HTTP, limits off vs on, in the same run.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { memoryRateLimitStore } from '@loopkit/core'
import { adapterOnly, rawBaseline } from '../examples/flash-sale/src/baselines.js'
import { quantile, runFlashSale } from '../examples/flash-sale/src/sale.js'

const scale = Number(process.env.LOOPKIT_BENCH_SCALE ?? 1)
const modes = (
  process.env.LOOPKIT_BENCH_SYNC ? [process.env.LOOPKIT_BENCH_SYNC] : ['full', 'normal']
) as Array<'normal' | 'full'>
const UNITS = Math.round(150_000 * scale)
const ATTEMPTS = Math.round(200_000 * scale)

const perSec = (n: number, ms: number) => Math.round((n / ms) * 1000)
const ms = (x: number) => `${x.toFixed(3)} ms`

export default async function run(): Promise<void> {
  for (const synchronous of modes) await runOnce(synchronous)
}

async function runOnce(synchronous: 'normal' | 'full'): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'loopkit-bench-'))
  try {
    console.log(`${UNITS} units, ${ATTEMPTS} attempts, SQLite WAL, synchronous=${synchronous.toUpperCase()}`)
    const base = { units: UNITS, attempts: ATTEMPTS, synchronous }
    const rawBefore = rawBaseline({ ...base, file: join(dir, 'raw-1.db') })
    const adapter = await adapterOnly({ ...base, file: join(dir, 'adapter.db') })
    const sale = await runFlashSale({
      file: join(dir, 'loop.db'),
      units: UNITS,
      buyers: ATTEMPTS,
      concurrency: 32,
      synchronous,
    })
    const rawAfter = rawBaseline({ ...base, file: join(dir, 'raw-2.db') })

    const raw = (perSec(rawBefore.paid, rawBefore.elapsedMs) + perSec(rawAfter.paid, rawAfter.elapsedMs)) / 2
    const loopRate = perSec(sale.paid, sale.elapsedMs)
    const adapterRate = perSec(adapter.paid, adapter.elapsedMs)
    console.log(
      `loop (checkout + webhook, 32 in flight): ${loopRate} orders/s, ${sale.paid} paid in ${(sale.elapsedMs / 1000).toFixed(1)} s`,
    )
    console.log(
      `  checkout p50 ${ms(quantile(sale.checkoutMs, 0.5))}  p99 ${ms(quantile(sale.checkoutMs, 0.99))}  (latency under 32 in flight)`,
    )
    console.log(`  webhook  p50 ${ms(quantile(sale.payMs, 0.5))}  p99 ${ms(quantile(sale.payMs, 0.99))}`)
    console.log(
      `  sold out ${sale.soldOut}, stock left ${sale.stockLeft}, outbox rows ${sale.outboxRows}, oversold ${sale.oversold}`,
    )
    console.log(`adapter only (createOrder + markPaid, no loop): ${adapterRate} orders/s`)
    console.log(
      `raw better-sqlite3 (3 writes/order): ${raw} orders/s (before ${perSec(rawBefore.paid, rawBefore.elapsedMs)}, after ${perSec(rawAfter.paid, rawAfter.elapsedMs)})`,
    )
    console.log(
      `ratio loop/raw: ${(loopRate / raw).toFixed(2)} (target >= 0.5); adapter/raw: ${(adapterRate / raw).toFixed(2)}`,
    )
    if (sale.oversold !== 0 || sale.paid + sale.stockLeft !== UNITS)
      throw new Error('Oversold or lost stock: the sale is wrong.')
    await rateLimitCost(dir, synchronous)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// The rate limiter's cost: the same sale with checkout over HTTP (the route the limits guard), limits
// off and on (the default in-memory store) in alternating rounds so drift on a shared machine does
// not land on one side, then once with the SQLite store. The in-memory check is also timed alone
// (one distinct customer per check, as in the sale): its share of the time one order takes is the
// figure least disturbed by other load.
async function rateLimitCost(dir: string, synchronous: 'normal' | 'full'): Promise<void> {
  let n = 0
  const sale = async (rateLimits: Parameters<typeof runFlashSale>[0]['rateLimits']) => {
    const r = await runFlashSale({
      file: join(dir, `rl-${n++}.db`),
      units: UNITS,
      buyers: ATTEMPTS,
      concurrency: 32,
      synchronous,
      via: 'http',
      rateLimits,
    })
    if (r.oversold !== 0 || r.paid + r.stockLeft !== UNITS) throw new Error('Oversold: the sale is wrong.')
    return perSec(r.paid, r.elapsedMs)
  }
  const off: number[] = []
  const on: number[] = []
  for (let round = 0; round < 3; round++) {
    if (round % 2 === 0) {
      off.push(await sale(false))
      on.push(await sale({}))
    } else {
      on.push(await sale({}))
      off.push(await sale(false))
    }
  }
  const stored = await sale({ store: 'storage' })
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const offRate = median(off)
  const onRate = median(on)
  console.log(
    `rate limits (checkout over HTTP): off ${offRate} orders/s (${off.join(', ')}); on, memory store ${onRate} (${on.join(', ')}); on, SQLite store ${stored}`,
  )
  console.log(
    `ratio limits on/off (medians): memory ${(onRate / offRate).toFixed(3)} (target >= 0.95); SQLite store ${(stored / offRate).toFixed(3)}`,
  )
  const store = memoryRateLimitStore()
  const checks = ATTEMPTS * 2
  const t0 = performance.now()
  for (let i = 0; i < checks; i++)
    await store.take({ key: `rl:checkout:c:cus_${i}`, capacity: 10, refillPerSecond: 1 / 6, cost: 1, now: i })
  const perCheckUs = ((performance.now() - t0) / checks) * 1000
  const perOrderUs = 1e6 / offRate
  console.log(
    `memory check alone: ${perCheckUs.toFixed(2)} µs per check = ${((perCheckUs / perOrderUs) * 100).toFixed(2)}% of one order (${perOrderUs.toFixed(0)} µs at ${offRate} orders/s)`,
  )
}
