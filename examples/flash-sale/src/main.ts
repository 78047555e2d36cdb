// A smaller flash sale: 1,500 ducks, 2,000 buyers, 32 checkouts at a time, one SQLite file.
// The full-size run (150,000 units, 200,000 buyers) is the benchmark: `pnpm bench sqlite`.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { quantile, runFlashSale } from './sale.js'

const dir = mkdtempSync(join(tmpdir(), 'loopkit-flash-sale-'))
try {
  const units = 1_500
  const r = await runFlashSale({ file: join(dir, 'sale.db'), units, buyers: 2_000 })
  const ms = (x: number) => `${x.toFixed(2)} ms`
  console.log(`Flash sale: ${units} units, ${r.attempts} buyers`)
  console.log(`  paid orders   ${r.paid}`)
  console.log(`  sold out      ${r.soldOut} buyers were told "out_of_stock"`)
  console.log(`  stock left    ${r.stockLeft}`)
  console.log(`  oversold      ${r.oversold}`)
  console.log(`  outbox rows   ${r.outboxRows} (one "order.paid" message per paid order)`)
  console.log(`  throughput    ${Math.round((r.paid / r.elapsedMs) * 1000)} paid orders/s`)
  console.log(
    `  checkout      p50 ${ms(quantile(r.checkoutMs, 0.5))}, p99 ${ms(quantile(r.checkoutMs, 0.99))}`,
  )
  console.log(`  payment       p50 ${ms(quantile(r.payMs, 0.5))}, p99 ${ms(quantile(r.payMs, 0.99))}`)
  if (r.oversold !== 0 || r.paid + r.stockLeft !== units) process.exitCode = 1
} finally {
  rmSync(dir, { recursive: true, force: true })
}
