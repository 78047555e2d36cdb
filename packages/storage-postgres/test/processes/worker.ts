// One app process of the many-processes test: `checkout` buys through the loop API (login,
// checkout, sandbox payment webhook); `dispatch` drains the outbox, appending the dedupe key of
// every message it sends to its own file. Spawned as
//   node --conditions=@loopkit/source --import tsx worker.ts
// with its job in LOOPKIT_WORKER (JSON). Prints one JSON line with what it did.
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import type { MessagingAdapter } from '@loopkit/core'
import { createLoop, isLoopError } from '@loopkit/core'
import { sandboxPayments } from '@loopkit/core/dev'
import { postgresStorage } from '../../src/index.js'

interface Job {
  role: 'checkout' | 'dispatch'
  connectionString: string
  schema: string
  webhookSecret: string
  skuId: string
  /** checkout: this worker's buyers are `first … first + count - 1`. */
  first?: number
  count?: number
  /** dispatch: where sent dedupe keys go. */
  outDir?: string
}

const job = JSON.parse(process.env.LOOPKIT_WORKER ?? '{}') as Job
const storage = postgresStorage({ connectionString: job.connectionString, max: 6 }, { schema: job.schema })
const sandbox = sandboxPayments({ secret: job.webhookSecret })
const sentFile = job.outDir ? join(job.outDir, `sent-${process.pid}.log`) : null
let sent = 0
const recorder: MessagingAdapter = {
  id: 'console',
  canReach: () => true,
  async send({ dedupeKey }) {
    // O_APPEND writes of one short line are atomic: the file is the delivery record.
    if (sentFile) appendFileSync(sentFile, `${dedupeKey}\n`)
    sent++
    return { providerMessageId: `rec_${process.pid}_${sent}` }
  },
}
const loop = createLoop({
  secret: 'many-processes-test-secret-0123456789abcdef',
  baseUrl: 'http://127.0.0.1:3000/loop',
  storage,
  payments: [sandbox],
  messaging: [recorder],
})

async function buy(i: number): Promise<'paid' | 'sold_out'> {
  const { customer } = await loop.customers.login({ profile: { provider: 'sandbox', subject: `buyer-${i}` } })
  try {
    const { order } = await loop.checkout({
      customerId: customer.id,
      lines: [{ skuId: job.skuId, quantity: 1 }],
      provider: 'sandbox',
      idempotencyKey: `checkout-${i}`,
    })
    const res = await loop.fetch(await sandbox.pay({ orderNumber: order.number }))
    if (!res.ok) throw new Error(`webhook answered ${res.status}: ${await res.text()}`)
    return 'paid'
  } catch (e) {
    if (isLoopError(e) && e.code === 'out_of_stock') return 'sold_out'
    throw e
  }
}

async function main() {
  if (job.role === 'checkout') {
    const ids = Array.from({ length: job.count! }, (_, k) => job.first! + k)
    const results = await Promise.all(ids.map(buy))
    return {
      paid: results.filter((r) => r === 'paid').length,
      soldOut: results.filter((r) => r === 'sold_out').length,
    }
  }
  let claimed = 0
  for (let idle = 0; idle < 3; ) {
    const r = await loop.notify.dispatch({ limit: 20, leaseMs: 120_000 })
    claimed += r.claimed
    if (r.claimed === 0) {
      idle++
      await new Promise((resolve) => setTimeout(resolve, 25))
    } else idle = 0
  }
  return { claimed, sent }
}

main()
  .then(async (out) => {
    await storage.close()
    process.stdout.write(`${JSON.stringify(out)}\n`)
  })
  .catch(async (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
    await storage.close()
    process.exit(1)
  })
