// Flash sale on SQLite: 150,000 units, 200,000 checkout attempts through the public loop API
// (loop.checkout, then a signed sandbox webhook through loop.fetch that marks the order paid with
// its payment, event and outbox row), against a raw better-sqlite3 baseline doing the same three
// writes per order (decrement stock, insert order, insert outbox row) on the same machine, in the
// same run, with the same durability setting. Each side sells 3,000 units untimed first (warm-up).
//
//   node --conditions=@loopkit/source --import tsx bench/run.ts sqlite
//
// It runs twice: with SQLite's `synchronous=FULL` (the adapter's default: a commit survives a power
// cut) and with `NORMAL` (survives a killed process, not a power cut), both sides alike each time.
// LOOPKIT_BENCH_SYNC=normal|full runs one of them only; LOOPKIT_BENCH_SCALE=0.1 runs a tenth of
// the sale for a quick look; BENCH_ROUNDS (3) alternating loop/raw rounds give the medians, with the
// CPU time per order of each side (the figure least moved by other load on a shared machine);
// LOOPKIT_BENCH_RATE_LIMITS=0 skips the rate-limit part.
//
// Then the rate limiter's cost: the sale with checkout over HTTP, limits off vs on, in the same run;
// and the analytics fold's cost: the sale without it, with the fold loop in the sale's process, and
// with it in a second process on the same file (LOOPKIT_BENCH_ANALYTICS=0 skips it).
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { memoryRateLimitStore } from '@loopkit/core'
import { adapterOnly, rawBaseline } from '../examples/flash-sale/src/baselines.js'
import { type FlashSaleResult, quantile, runFlashSale } from '../examples/flash-sale/src/sale.js'
import { foldInAnotherProcess, foldInProcess } from './analytics-fold.js'

const scale = Number(process.env.LOOPKIT_BENCH_SCALE ?? 1)
const modes = (
  process.env.LOOPKIT_BENCH_SYNC ? [process.env.LOOPKIT_BENCH_SYNC] : ['full', 'normal']
) as Array<'normal' | 'full'>
const UNITS = Math.round(150_000 * scale)
const ATTEMPTS = Math.round(200_000 * scale)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)

const perSec = (n: number, ms: number) => Math.round((n / ms) * 1000)
const ms = (x: number) => `${x.toFixed(3)} ms`
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

export default async function run(): Promise<void> {
  for (const synchronous of modes) await runOnce(synchronous)
}

async function runOnce(synchronous: 'normal' | 'full'): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'loopkit-bench-'))
  try {
    console.log(
      `${UNITS} units, ${ATTEMPTS} attempts, SQLite WAL, synchronous=${synchronous.toUpperCase()}, ${ROUNDS} alternating rounds, load ${loadavg()[0]!.toFixed(1)}`,
    )
    const base = { units: UNITS, attempts: ATTEMPTS, synchronous }
    // One untimed sale a side first (3,000 units), so no timed round pays for V8 compiling the
    // loop's code: a flash sale runs on a server that is already warm.
    const warm = { units: 3000, attempts: 4000, synchronous }
    await runFlashSale({
      file: join(dir, 'warm-loop.db'),
      units: warm.units,
      buyers: warm.attempts,
      concurrency: 32,
      synchronous,
    })
    rawBaseline({ ...warm, file: join(dir, 'warm-raw.db') })
    // Loop and raw alternate (loop first in even rounds, raw first in odd ones), so drift in the
    // machine's load lands on both sides; each round's ratio compares neighbours in time.
    let n = 0
    const raws: Array<ReturnType<typeof rawBaseline>> = []
    const sales: FlashSaleResult[] = []
    const ratios: number[] = []
    const loopRound = async () => {
      const sale = await runFlashSale({
        file: join(dir, `loop-${n++}.db`),
        units: UNITS,
        buyers: ATTEMPTS,
        concurrency: 32,
        synchronous,
      })
      if (sale.oversold !== 0 || sale.paid + sale.stockLeft !== UNITS)
        throw new Error('Oversold or lost stock: the sale is wrong.')
      sales.push(sale)
    }
    const rawRound = () => {
      raws.push(rawBaseline({ ...base, file: join(dir, `raw-${n++}.db`) }))
    }
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 2 === 0) {
        await loopRound()
        rawRound()
      } else {
        rawRound()
        await loopRound()
      }
      ratios.push(
        perSec(sales.at(-1)!.paid, sales.at(-1)!.elapsedMs) /
          perSec(raws.at(-1)!.paid, raws.at(-1)!.elapsedMs),
      )
    }
    const adapter = await adapterOnly({ ...base, file: join(dir, 'adapter.db') })

    const loopRates = sales.map((s) => perSec(s.paid, s.elapsedMs))
    const rawRates = raws.map((r) => perSec(r.paid, r.elapsedMs))
    const loopCpuUs = median(sales.map((s) => (s.cpuMs / s.paid) * 1000))
    const rawCpuUs = median(raws.map((r) => (r.cpuMs / r.paid) * 1000))
    const loopRate = median(loopRates)
    const raw = median(rawRates)
    const sale = sales.find((s) => perSec(s.paid, s.elapsedMs) === loopRate)!
    const adapterRate = perSec(adapter.paid, adapter.elapsedMs)
    console.log(
      `loop (checkout + webhook, 32 in flight): ${loopRate} orders/s (median of ${loopRates.join(', ')}), ${loopCpuUs.toFixed(0)} µs CPU per order`,
    )
    console.log(
      `  checkout p50 ${ms(quantile(sale.checkoutMs, 0.5))}  p99 ${ms(quantile(sale.checkoutMs, 0.99))}  (latency under 32 in flight)`,
    )
    console.log(`  webhook  p50 ${ms(quantile(sale.payMs, 0.5))}  p99 ${ms(quantile(sale.payMs, 0.99))}`)
    console.log(
      `  sold out ${sale.soldOut}, stock left ${sale.stockLeft}, outbox rows ${sale.outboxRows}, oversold ${sale.oversold}`,
    )
    console.log(`adapter only (createOrder + markPaid, no loop, 32 in flight): ${adapterRate} orders/s`)
    console.log(
      `raw better-sqlite3 (3 writes/order): ${raw} orders/s (median of ${rawRates.join(', ')}), ${rawCpuUs.toFixed(0)} µs CPU per order`,
    )
    const target = synchronous === 'full' ? 1.0 : 0.8
    console.log(
      `ratio loop/raw: ${median(ratios).toFixed(2)} (median of per-round ratios; target >= ${target.toFixed(1)}); ` +
        `by CPU per order ${(rawCpuUs / loopCpuUs).toFixed(2)}; adapter/raw ${(adapterRate / raw).toFixed(2)}; load ${loadavg()[0]!.toFixed(1)}`,
    )
    if (process.env.LOOPKIT_BENCH_RATE_LIMITS !== '0') await rateLimitCost(dir, synchronous)
    if (process.env.LOOPKIT_BENCH_ANALYTICS !== '0') await analyticsCost(dir, synchronous)
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

// The analytics fold's cost to the sale (issue #15: at most 10%): the sale without a fold, with the
// fold loop as `loop.start()` runs it in the sale's process, and with it in a second process on the
// same file (bench/analytics-fold.ts), in rotating order per round. The fold is caught up before
// each sale; the events it folds during the sale are printed, so a fold that fell behind shows.
async function analyticsCost(dir: string, synchronous: 'normal' | 'full'): Promise<void> {
  type Mode = 'off' | 'in process' | 'in process, flat out' | 'other process'
  let n = 0
  const rates: Record<Mode, number[]> = {
    off: [],
    'in process': [],
    'in process, flat out': [],
    'other process': [],
  }
  const folded: Record<Mode, number[]> = {
    off: [],
    'in process': [],
    'in process, flat out': [],
    'other process': [],
  }
  const cpu: Record<Mode, number[]> = {
    off: [],
    'in process': [],
    'in process, flat out': [],
    'other process': [],
  }
  const sale = async (mode: Mode) => {
    const file = join(dir, `fold-${n++}.db`)
    let events = 0
    const r = await runFlashSale({
      file,
      units: UNITS,
      buyers: ATTEMPTS,
      concurrency: 32,
      synchronous,
      ...(mode === 'off'
        ? {}
        : {
            alongside: async (loop) => {
              const stop =
                mode === 'other process'
                  ? await foldInAnotherProcess({ sqlite: file })
                  : await foldInProcess(loop.storage, mode === 'in process' ? 0.05 : 1)
              return async () => {
                events = await stop()
              }
            },
          }),
    })
    if (r.oversold !== 0 || r.paid + r.stockLeft !== UNITS) throw new Error('Oversold: the sale is wrong.')
    rates[mode].push(perSec(r.paid, r.elapsedMs))
    folded[mode].push(events)
    cpu[mode].push((r.cpuMs / r.paid) * 1000)
  }
  const order: Mode[] = ['off', 'in process', 'in process, flat out', 'other process']
  for (let round = 0; round < ROUNDS; round++)
    for (let k = 0; k < order.length; k++) await sale(order[(k + round) % order.length]!)
  const off = median(rates.off)
  const offCpu = median(cpu.off)
  // The sale process's CPU per order: with the fold in process it includes the fold's share.
  const row = (mode: Mode) => {
    const rate = median(rates[mode])
    const us = median(cpu[mode])
    return `${rate} orders/s (${rates[mode].join(', ')}; folded ${folded[mode].join(', ')} events during the sale): ${((rate / off) * 100).toFixed(1)}% of the rate without, cost ${(((off - rate) / off) * 100).toFixed(1)}%; sale process ${us.toFixed(0)} µs CPU per order (${us >= offCpu ? '+' : ''}${(((us - offCpu) / offCpu) * 100).toFixed(1)}%)`
  }
  console.log(
    `analytics fold (checkout + webhook, 32 in flight): without the fold ${off} orders/s (${rates.off.join(', ')}), ${offCpu.toFixed(0)} µs CPU per order`,
  )
  console.log(`  fold loop in the sale's process (foldShare 0.05, the default): ${row('in process')}`)
  console.log(`  fold loop in the sale's process, flat out (foldShare 1): ${row('in process, flat out')}`)
  console.log(`  fold loop in a second process on the same file: ${row('other process')}; target cost <= 10%`)
}
