import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate, migrations, sqliteStorage } from '../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'loopkit-migrate-8-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const NOW = Date.UTC(2026, 10, 1)

describe('migration 8 (campaign links)', () => {
  it('upgrades a version-7 database with orders and campaigns: results, visits and due campaigns work on its data', async () => {
    const file = join(dir, 'v7.db')
    const raw = new Database(file)
    migrate(
      raw,
      migrations.filter((m) => m.version <= 7),
    )
    const order =
      raw.prepare(`INSERT INTO orders (id, number, customer_id, lines, total, currency, status, provider,
      idempotency_key, attribution, refunded, provider_ref, created_at, expires_at, paid_at, updated_at)
      VALUES (?, ?, ?, '[]', ?, 'CNY', ?, 'sandbox', NULL, ?, ?, NULL, 0, 0, ?, 0)`)
    const share = JSON.stringify({ shareId: 'shr_1', sharerId: 'cus_s', visitedAt: NOW - 1000 })
    order.run('o1', 'N000001', 'cus_a', 8800, 'paid', share, 0, NOW)
    order.run('o2', 'N000002', 'cus_b', 8800, 'paid', null, 0, NOW)
    // An order JSON that already names the campaign (written by a newer instance during a rolling deploy).
    const viaCampaign = JSON.stringify({ campaignId: 'spring', visitedAt: NOW - 1000 })
    order.run('o3', 'N000003', 'cus_c', 8800, 'partially_refunded', viaCampaign, 800, NOW)
    const campaign = {
      id: 'spring',
      name: null,
      audienceId: 'followers',
      where: { followed: true },
      message: { title: 'Spring', body: 'Duck', fields: {} },
      channels: ['console'],
      sendAt: NOW - 60_000,
      status: 'draft',
      cursor: null,
      queued: 0,
      unreachable: 0,
      startedAt: null,
      createdAt: NOW - 3_600_000,
      updatedAt: NOW - 3_600_000,
    }
    raw
      .prepare(
        'INSERT INTO campaigns (id, status, cursor, data, created_at, updated_at) VALUES (?, ?, NULL, ?, ?, ?)',
      )
      .run('spring', 'draft', JSON.stringify(campaign), campaign.createdAt, campaign.updatedAt)
    raw.close()

    const storage = sqliteStorage({ file })
    expect(await storage.dueCampaigns!({ now: NOW, staleBefore: NOW - 300_000, limit: 10 })).toEqual([
      campaign,
    ])
    expect(await storage.campaignResults!({ id: 'spring' })).toEqual({
      clicks: 0,
      orders: 1,
      buyers: 1,
      revenue: { CNY: 8000 },
    })
    const visit = { id: 'cvi_1', campaignId: 'spring', visitorKey: 'browser', customerId: null, at: NOW }
    await storage.recordCampaignVisit!({ visit })
    expect(await storage.claimCampaignVisits!({ visitorKey: 'browser', customerId: 'cus_b' })).toEqual({
      claimed: 1,
    })
    expect(await storage.lastCampaignVisit!({ customerId: 'cus_b', since: NOW - 1 })).toEqual({
      ...visit,
      customerId: 'cus_b',
    })
    expect((await storage.campaignResults!({ id: 'spring' })).clicks).toBe(1)
    // Share attribution of the old orders reads as before.
    expect((await storage.getOrder({ id: 'o1' }))?.attribution).toEqual(JSON.parse(share))

    // The report's orders are found through the index, not by scanning orders (asked before close,
    // whose `PRAGMA optimize` would teach the planner that three rows are cheaper to scan).
    const check = new Database(file, { readonly: true })
    const plan = check
      .prepare(
        `EXPLAIN QUERY PLAN SELECT count(*) FROM orders WHERE json_extract(attribution, '$.campaignId') = ?
         AND status IN ('paid', 'fulfilled', 'partially_refunded', 'refunded')`,
      )
      .all('spring') as { detail: string }[]
    expect(plan.map((p) => p.detail).join(' ')).toContain('orders_campaign')
    expect(check.prepare('SELECT max(version) AS v FROM schema_migrations').get()).toEqual({
      v: Math.max(...migrations.map((m) => m.version)),
    })
    check.close()
    await storage.close?.()
  })
})
