// One dispatching process of `outbox.bench.ts` (PostgreSQL): runs `loop.start()` with a
// fixed-latency channel against the bench's schema until its stdin says `stop`, then prints
// `{"sent":n}`. Spawned as
//   node --conditions=@loopkit/source --import tsx bench/outbox-dispatcher.ts
// with LOOPKIT_OUTBOX_WORKER='{"connectionString":…,"schema":…,"latencyMs":20}'.
import { createInterface } from 'node:readline'
import { sandboxPayments } from '../packages/core/src/dev/index.js'
import { createLoop } from '../packages/core/src/index.js'
import { postgresStorage } from '../packages/storage-postgres/src/index.js'
import { fixedLatencyChannel } from './outbox-shared.js'

const job = JSON.parse(process.env.LOOPKIT_OUTBOX_WORKER ?? '{}') as {
  connectionString: string
  schema: string
  latencyMs: number
  held?: boolean
}
const storage = postgresStorage({ connectionString: job.connectionString, max: 8 }, { schema: job.schema })
const channel = fixedLatencyChannel(job.latencyMs)
const loop = createLoop({
  secret: 'outbox-bench-secret-0123456789abcdef-0123',
  baseUrl: 'http://127.0.0.1:3000/loop',
  storage,
  payments: [sandboxPayments()],
  messaging: [channel],
  onError: (error, where) => process.stderr.write(`${where}: ${String(error)}\n`),
  // Rows committed by another process cannot wake this one: an idle dispatcher polls this often.
  background: { dispatchIntervalMs: 100 },
})
// `held`: wait for a `go` line before dispatching (so the parent can time a drain from one moment).
if (!job.held) loop.start()
process.stdout.write('ready\n')
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === 'go') loop.start()
  if (line.trim() === 'stop') break
}
await loop.stop()
await storage.close()
process.stdout.write(`${JSON.stringify({ sent: channel.sent() })}\n`)
