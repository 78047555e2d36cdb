import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate, migrations, sqliteStorage } from '../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'loopkit-migrate-13-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migration 13 (orders by campaign, campaign orders only)', () => {
  it('a version-12 database keeps its orders, the report counts the same, and the index holds campaign orders only', async () => {
    const file = join(dir, 'v12.db')
    const raw = new Database(file)
    migrate(
      raw,
      migrations.filter((m) => m.version <= 12),
    )
    const order =
      raw.prepare(`INSERT INTO orders (id, number, customer_id, lines, total, currency, status, provider,
      idempotency_key, attribution, refunded, provider_ref, created_at, expires_at, paid_at, updated_at)
      VALUES (?, ?, ?, '[]', ?, 'CNY', ?, 'sandbox', NULL, ?, ?, NULL, 0, 0, 0, 0)`)
    const viaCampaign = JSON.stringify({ campaignId: 'spring', visitedAt: 1 })
    const viaShare = JSON.stringify({ shareId: 'shr_1', sharerId: 'cus_s', visitedAt: 1 })
    order.run('o1', 'N000001', 'cus_a', 8800, 'paid', viaCampaign, 0)
    order.run('o2', 'N000002', 'cus_b', 6800, 'partially_refunded', viaCampaign, 800)
    order.run('o3', 'N000003', 'cus_c', 8800, 'paid', viaShare, 0)
    order.run('o4', 'N000004', 'cus_d', 8800, 'paid', null, 0)
    order.run('o5', 'N000005', 'cus_e', 8800, 'pending', viaCampaign, 0)
    raw.close()

    const storage = sqliteStorage({ file })
    try {
      expect(await storage.campaignResults!({ id: 'spring' })).toMatchObject({
        orders: 2,
        buyers: 2,
        revenue: { CNY: 8800 + 6000 },
      })
      expect(await storage.campaignResults!({ id: 'autumn' })).toMatchObject({ orders: 0 })
      expect((await storage.listOrders({ limit: 10 })).length).toBe(5)
    } finally {
      await storage.close?.()
    }
    const check = new Database(file, { readonly: true })
    const plan = (
      check
        .prepare(`EXPLAIN QUERY PLAN SELECT count(*) FROM orders
      WHERE json_extract(attribution, '$.campaignId') = ? AND status = 'paid'`)
        .all('spring') as Array<{
        detail: string
      }>
    )
      .map((r) => r.detail)
      .join()
    expect(plan).toContain('USING INDEX orders_campaign')
    // The index has an entry per order a campaign brought (3), none for the others.
    const entries = check
      .prepare(
        `SELECT count(*) FROM orders INDEXED BY orders_campaign WHERE json_extract(attribution, '$.campaignId') IS NOT NULL`,
      )
      .pluck()
      .get()
    expect(entries).toBe(3)
    const sql = check.prepare("SELECT sql FROM sqlite_master WHERE name = 'orders_campaign'").pluck().get()
    expect(sql).toMatch(/WHERE json_extract\(attribution, '\$\.campaignId'\) IS NOT NULL/)
    check.close()
  })
})
