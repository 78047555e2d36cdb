import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AudienceFilter } from '@loopkit/core'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate, migrations, sqliteStorage } from '../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'loopkit-migrate-6-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const DAY = 86_400_000
const NOW = Date.UTC(2026, 5, 1)

describe('migration 5 (customer pool)', () => {
  it('backfills order figures from the orders a database already holds', async () => {
    const file = join(dir, 'v3.db')
    const raw = new Database(file)
    migrate(
      raw,
      migrations.filter((m) => m.version < 5),
    )
    const customer =
      raw.prepare(`INSERT INTO customers (id, identities, display_name, avatar_url, tags, consents,
      referred_by, created_at, updated_at) VALUES (?, '[]', NULL, NULL, '[]', '[]', NULL, 0, 0)`)
    const order =
      raw.prepare(`INSERT INTO orders (id, number, customer_id, lines, total, currency, status, provider,
      idempotency_key, attribution, refunded, provider_ref, created_at, expires_at, paid_at, updated_at)
      VALUES (?, ?, ?, '[]', ?, 'CNY', ?, 'sandbox', NULL, NULL, ?, NULL, 0, 0, ?, 0)`)
    for (const id of ['cus_a', 'cus_b', 'cus_c']) customer.run(id)
    order.run('o1', 'N000001', 'cus_a', 8800, 'paid', 0, NOW - 10 * DAY)
    order.run('o2', 'N000002', 'cus_a', 8800, 'partially_refunded', 800, NOW - 5 * DAY)
    order.run('o3', 'N000003', 'cus_b', 8800, 'refunded', 8800, NOW - 2 * DAY)
    order.run('o4', 'N000004', 'cus_c', 8800, 'pending', 0, null)
    raw.close()

    const storage = sqliteStorage({ file })
    const ids = async (where: AudienceFilter) =>
      (await storage.listCustomers({ where, limit: 10, now: NOW })).customers.map((c) => c.id)
    expect(await ids({ orders: { min: 2 } })).toEqual(['cus_a'])
    expect(await ids({ orders: { max: 0 } })).toEqual(['cus_b', 'cus_c'])
    expect(await ids({ spent: { currency: 'CNY', min: 16_800, max: 16_800 } })).toEqual(['cus_a'])
    expect(await ids({ lastOrderWithinDays: 3 })).toEqual(['cus_b'])
    expect(await storage.countCustomers({ where: { lastOrderWithinDays: 30 }, now: NOW })).toEqual({
      count: 2,
    })
    expect((await storage.getCustomer({ id: 'cus_a' }))?.followedAt).toBeNull()
    await storage.close?.()
  })
})
