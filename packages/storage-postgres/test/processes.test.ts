import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresStorage } from '../src/index.js'
import { createTestStorage, dropSchema, sku, TEST_URL } from './helpers.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '../../..')
const UNITS = 2_000
const BUYERS = 5_000
const WORKERS = 4

let storage: PostgresStorage
let outDir: string
beforeAll(() => {
  storage = createTestStorage()
  outDir = mkdtempSync(join(tmpdir(), 'loopkit-pg-'))
})
afterAll(async () => {
  await storage.close()
  await dropSchema(storage.schema)
  rmSync(outDir, { recursive: true, force: true })
})

/** Runs `worker.ts` as its own Node process and returns the JSON line it prints. */
function worker(job: Record<string, unknown>): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@loopkit/source', '--import', 'tsx', join(here, 'processes/worker.ts')],
      {
        cwd: root,
        env: {
          ...process.env,
          LOOPKIT_WORKER: JSON.stringify({
            connectionString: TEST_URL,
            schema: storage.schema,
            webhookSecret: 'shared-sandbox-webhook-secret',
            ...job,
          }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d
    })
    child.stderr.on('data', (d: Buffer) => {
      err += d
    })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`worker exited with ${code}: ${err.slice(-2000)}`))
      resolve(JSON.parse(out.trim().split('\n').at(-1)!))
    })
  })
}

describe('four processes sharing one PostgreSQL schema', () => {
  it(`sell exactly ${UNITS} of ${UNITS} units to ${BUYERS} buyers, then deliver every notification once`, async () => {
    const duck = await storage.putSku({ sku: sku({ id: 'duck', stock: UNITS }) })

    const t0 = performance.now()
    const per = BUYERS / WORKERS
    const buyers = await Promise.all(
      Array.from({ length: WORKERS }, (_, w) =>
        worker({ role: 'checkout', skuId: duck.id, first: w * per, count: per }),
      ),
    )
    expect(buyers.reduce((n, r) => n + r.paid!, 0)).toBe(UNITS)
    expect(buyers.reduce((n, r) => n + r.soldOut!, 0)).toBe(BUYERS - UNITS)
    expect((await storage.getSku({ id: duck.id }))!.stock).toBe(0)
    const { rows: orders } = await storage.pool.query(
      `SELECT count(*)::int AS n, sum((lines->0->>'quantity')::int)::int AS units,
              count(*) FILTER (WHERE status = 'paid')::int AS paid
       FROM "${storage.schema}".orders`,
    )
    expect(orders[0]).toEqual({ n: UNITS, units: UNITS, paid: UNITS })

    const t1 = performance.now()
    const dispatchers = await Promise.all(
      Array.from({ length: WORKERS }, () => worker({ role: 'dispatch', skuId: duck.id, outDir })),
    )
    const delivered = readdirSync(outDir).flatMap((f) =>
      readFileSync(join(outDir, f), 'utf8').split('\n').filter(Boolean),
    )
    const outbox = await storage.listNotifications({ limit: 10 * UNITS })
    expect(outbox).toHaveLength(UNITS) // one order.paid message per order
    expect(outbox.every((n) => n.status === 'sent')).toBe(true)
    expect(delivered).toHaveLength(UNITS)
    expect(new Set(delivered)).toEqual(new Set(outbox.map((n) => n.dedupeKey)))
    expect(dispatchers.reduce((n, d) => n + d.sent!, 0)).toBe(UNITS)
    console.log(`checkout ${Math.round(t1 - t0)} ms, dispatch ${Math.round(performance.now() - t1)} ms`)
    console.log(`sent per dispatcher: ${dispatchers.map((d) => d.sent).join(', ')}`)
  }, 240_000)
})
