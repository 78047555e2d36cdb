// The flash sale over a real socket: `loop.fetch` mounted in `node:http` on 127.0.0.1 (ephemeral
// port, keep-alive, at most 32 client connections: bounded load), against the same sale calling
// `loop.fetch` in process, in alternating rounds of the same run. Both send the same requests —
// `POST /checkout` and the signed sandbox webhook — to a SQLite loop. Over the socket the buyers are
// their own OS process (examples/flash-sale/src/client.ts); the server's CPU per order is the bench
// process's alone, and the client's is printed next to it (it must not be what limits the rate).
//
//   node --conditions=@loopkit/source --import tsx bench/run.ts http
//
// LOOPKIT_BENCH_SCALE scales the sale (1 = 10,000 units, 12,000 buyers); LOOPKIT_BENCH_SYNC picks
// SQLite's synchronous (default normal, so the disk does not hide the HTTP cost); BENCH_ROUNDS (3).
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { type FlashSaleResult, quantile, runFlashSale } from '../examples/flash-sale/src/sale.js'

const scale = Number(process.env.LOOPKIT_BENCH_SCALE ?? 1)
const UNITS = Math.round(10_000 * scale)
const BUYERS = Math.round(12_000 * scale)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONNECTIONS = 32
const synchronous = (process.env.LOOPKIT_BENCH_SYNC ?? 'normal') as 'normal' | 'full'

const rate = (r: FlashSaleResult) => (r.paid / r.elapsedMs) * 1000
const cpuPerOrderUs = (r: FlashSaleResult) => (r.cpuMs / r.paid) * 1000
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

export default async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'loopkit-bench-http-'))
  let n = 0
  const sale = async (via: 'http' | 'server') => {
    const r = await runFlashSale({
      file: join(dir, `sale-${n++}.db`),
      units: UNITS,
      buyers: BUYERS,
      concurrency: CONNECTIONS,
      connections: CONNECTIONS,
      synchronous,
      via,
    })
    if (r.oversold !== 0 || r.paid + r.stockLeft !== UNITS) throw new Error('Oversold or lost stock.')
    return r
  }
  try {
    console.log(
      `${UNITS} units, ${BUYERS} buyers, ${CONNECTIONS} in flight, SQLite synchronous=${synchronous.toUpperCase()}, ${ROUNDS} alternating rounds, load ${loadavg()[0]!.toFixed(1)}`,
    )
    const inProcess: FlashSaleResult[] = []
    const served: FlashSaleResult[] = []
    const ratios: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 2 === 0) {
        inProcess.push(await sale('http'))
        served.push(await sale('server'))
      } else {
        served.push(await sale('server'))
        inProcess.push(await sale('http'))
      }
      ratios.push(rate(served.at(-1)!) / rate(inProcess.at(-1)!))
    }
    const line = (name: string, rs: FlashSaleResult[]) => {
      const last = rs[Math.floor(rs.length / 2)]!
      console.log(
        `${name}: ${median(rs.map(rate)).toFixed(0)} paid/s (${rs.map((r) => rate(r).toFixed(0)).join(', ')}), ` +
          `${median(rs.map(cpuPerOrderUs)).toFixed(0)} µs CPU per paid order; ` +
          `checkout p50 ${quantile(last.checkoutMs, 0.5).toFixed(2)} p99 ${quantile(last.checkoutMs, 0.99).toFixed(2)} ms, ` +
          `webhook p50 ${quantile(last.payMs, 0.5).toFixed(2)} p99 ${quantile(last.payMs, 0.99).toFixed(2)} ms`,
      )
    }
    line('in process (loop.fetch)       ', inProcess)
    line(`node:http, ${CONNECTIONS} connections     `, served)
    console.log(
      `  the client process (buyers over the socket): ${median(served.map((r) => ((r.clientCpuMs ?? 0) / r.paid) * 1000)).toFixed(0)} µs CPU per paid order`,
    )
    const cpuRatio = median(inProcess.map(cpuPerOrderUs)) / median(served.map(cpuPerOrderUs))
    console.log(
      `ratio node:http / in process: ${median(ratios).toFixed(2)} (median of per-round ratios; target >= 0.7); ` +
        `by CPU per order ${cpuRatio.toFixed(2)}; load ${loadavg()[0]!.toFixed(1)}`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
