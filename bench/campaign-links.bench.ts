// Campaign links (issue #10) on SQLite, two figures with their baselines from the same run:
//  1. `campaignResults` (the report's clicks, orders, buyers, net revenue) on a shop with many orders,
//     against what a report would cost by loading every order and filtering in JavaScript;
//  2. opening a campaign link, `GET /c/:token` (verify, record a visit, redirect), against opening a
//     share link, `GET /s/:token`, through `loop.fetch` in alternating rounds.
//
//   LOOPKIT_BENCH_SCALE=0.2 node --conditions=@loopkit/source --import tsx bench/run.ts campaign-links
//
// LOOPKIT_BENCH_SCALE (1 = 200,000 orders, 20,000 visits, 2,000 link opens per round); BENCH_ROUNDS (5).
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLoop } from '@loopkit/core'
import { consoleMessaging, sandboxIdentity, sandboxPayments } from '@loopkit/core/dev'
import { sqliteStorage } from '../packages/storage-sqlite/src/index.js'

const require = createRequire(new URL('../packages/storage-sqlite/package.json', import.meta.url))
interface Db {
  exec(sql: string): void
  prepare(sql: string): { all(...p: unknown[]): unknown[] }
  close(): void
}
const Database = require('better-sqlite3') as new (file: string) => Db

const scale = Number(process.env.LOOPKIT_BENCH_SCALE ?? 1)
const ORDERS = Math.round(200_000 * scale)
const VISITS = Math.round(20_000 * scale)
const OPENS = Math.round(2_000 * scale)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** Orders across 50 campaigns (1 in 5 unattributed), a tenth of them refunded in part, and visits. */
function seed(file: string): void {
  const db = new Database(file)
  db.exec(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${ORDERS - 1})
    INSERT INTO orders (id, number, customer_id, lines, total, currency, status, provider, idempotency_key,
      attribution, refunded, provider_ref, created_at, expires_at, paid_at, updated_at)
    SELECT printf('ord_%08d', i), printf('N%08d', i), printf('cus_%06d', i % 50000), '[]', 8800, 'CNY',
      CASE WHEN i % 7 = 0 THEN 'pending' WHEN i % 10 = 0 THEN 'partially_refunded' ELSE 'paid' END,
      'sandbox', NULL,
      CASE WHEN i % 5 = 0 THEN NULL ELSE json_object('campaignId', printf('cmp_%02d', i % 50), 'visitedAt', 1) END,
      CASE WHEN i % 10 = 0 AND i % 7 <> 0 THEN 800 ELSE 0 END, NULL, 1, 2, 1, 1 FROM n`)
  db.exec(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${VISITS - 1})
    INSERT INTO campaign_visits (id, campaign_id, visitor_key, customer_id, at)
    SELECT printf('cvi_%08d', i), 'cmp_01', printf('vk_%06d', i % 9000),
      CASE WHEN i % 3 = 0 THEN printf('cus_%06d', i % 50000) ELSE NULL END, 1 FROM n`)
  db.close()
}

/** The report a storage without `campaignResults` would have to make: read every order. */
function loadEveryOrder(file: string, id: string) {
  const db = new Database(file)
  const rows = db
    .prepare('SELECT customer_id, total, refunded, currency, status, attribution FROM orders')
    .all() as {
    customer_id: string
    total: number
    refunded: number
    currency: string
    status: string
    attribution: string | null
  }[]
  db.close()
  let orders = 0
  const buyers = new Set<string>()
  const revenue: Record<string, number> = {}
  for (const r of rows) {
    if (r.status === 'pending' || !r.attribution || JSON.parse(r.attribution).campaignId !== id) continue
    orders++
    buyers.add(r.customer_id)
    revenue[r.currency] = (revenue[r.currency] ?? 0) + r.total - r.refunded
  }
  return { orders, buyers: buyers.size, revenue }
}

export default async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'loopkit-bench-campaign-links-'))
  const file = join(dir, 'shop.db')
  const storage = sqliteStorage({ file })
  const loop = createLoop({
    secret: 'bench-secret-bench-secret-bench-secret-01',
    baseUrl: 'http://127.0.0.1/loop',
    storage,
    payments: [sandboxPayments()],
    identity: [sandboxIdentity()],
    messaging: [consoleMessaging({ log: () => {} })],
    rateLimits: false,
  })
  try {
    await storage.countCustomers({})
    seed(file)
    console.log(
      `${ORDERS} orders over 50 campaigns, ${VISITS} visits, ${OPENS} link opens per round, ${ROUNDS} rounds, load ${loadavg()[0]!.toFixed(1)}`,
    )

    // 1. The report's storage query against loading every order.
    const query: number[] = []
    const scan: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      let t = performance.now()
      const r = await storage.campaignResults!({ id: 'cmp_01' })
      query.push(performance.now() - t)
      t = performance.now()
      const b = loadEveryOrder(file, 'cmp_01')
      scan.push(performance.now() - t)
      if (r.orders !== b.orders || r.buyers !== b.buyers || r.revenue.CNY !== b.revenue.CNY)
        throw new Error(`report ${JSON.stringify(r)} differs from the scan ${JSON.stringify(b)}`)
    }
    console.log(
      `campaign report (campaignResults): ${median(query).toFixed(2)} ms; loading every order: ${median(scan).toFixed(1)} ms; ` +
        `ratio scan / report ${(median(scan) / median(query)).toFixed(0)}x`,
    )

    // 2. Opening a campaign link against opening a share link, through loop.fetch.
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
    const { customer } = await loop.customers.login({ profile: { provider: 'sandbox', subject: 'sharer' } })
    const share = await loop.shares.create({ customerId: customer.id, skuId: 'duck' })
    await loop.campaigns.create({
      id: 'cmp_01',
      audience: 'followers',
      message: { title: 'x', body: 'y', url: 'http://127.0.0.1/duck' },
      channelPlan: { channels: ['console'] },
    })
    const link = await loop.campaigns.link({ id: 'cmp_01' })
    const open = async (url: string) => {
      const t = performance.now()
      await Promise.all(
        Array.from({ length: OPENS }, async (_, i) => {
          const res = await loop.fetch(
            new Request(url, { headers: { cookie: `lk_visitor=${String(i).padStart(22, 'v')}` } }),
          )
          if (res.status !== 302) throw new Error(`${url}: ${res.status}`)
        }),
      )
      return (OPENS / (performance.now() - t)) * 1000
    }
    const campaignRates: number[] = []
    const shareRates: number[] = []
    const ratios: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 2 === 0) {
        campaignRates.push(await open(link.url))
        shareRates.push(await open(share.link))
      } else {
        shareRates.push(await open(share.link))
        campaignRates.push(await open(link.url))
      }
      ratios.push(campaignRates.at(-1)! / shareRates.at(-1)!)
    }
    console.log(
      `GET /c/:token ${median(campaignRates).toFixed(0)} opens/s (${campaignRates.map((r) => r.toFixed(0)).join(', ')}); ` +
        `GET /s/:token ${median(shareRates).toFixed(0)} opens/s (${shareRates.map((r) => r.toFixed(0)).join(', ')}); ` +
        `ratio campaign / share ${median(ratios).toFixed(2)} (median of per-round ratios); load ${loadavg()[0]!.toFixed(1)}`,
    )
  } finally {
    await loop.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
