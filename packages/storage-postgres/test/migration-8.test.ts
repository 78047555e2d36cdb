import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { migrations } from '../src/index.js'
import { createTestStorage, dropSchema, randomSchema, TEST_URL } from './helpers.js'

const schemas: string[] = []
afterAll(async () => {
  await Promise.all(schemas.map(dropSchema))
})

const NOW = Date.UTC(2026, 10, 1)

describe('migration 8 (campaign links)', () => {
  it('upgrades a version-7 schema with orders and campaigns: results, visits and due campaigns work on its data', async () => {
    const schema = randomSchema()
    schemas.push(schema)
    const s = `"${schema}"`
    const client = new pg.Client({ connectionString: TEST_URL })
    await client.connect()
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
    const share = { shareId: 'shr_1', sharerId: 'cus_s', visitedAt: NOW - 1000 }
    try {
      await client.query(`CREATE SCHEMA ${s}`)
      await client.query(`CREATE TABLE ${s}.schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
      for (const m of migrations.filter((x) => x.version <= 7)) {
        await client.query(m.sql(s))
        await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [
          m.version,
          m.name,
        ])
      }
      const order = `INSERT INTO ${s}.orders (id, number, customer_id, lines, total, currency, status, provider,
        attribution, refunded, created_at, expires_at, paid_at, updated_at)
        VALUES ($1, $2, $3, '[]', 8800, 'CNY', $4, 'sandbox', $5, $6, 0, 0, $7, 0)`
      await client.query(order, ['o1', 'N000001', 'cus_a', 'paid', JSON.stringify(share), 0, NOW])
      await client.query(order, ['o2', 'N000002', 'cus_b', 'paid', null, 0, NOW])
      // An order JSON that already names the campaign (written by a newer instance during a rolling deploy).
      const viaCampaign = JSON.stringify({ campaignId: 'spring', visitedAt: NOW - 1000 })
      await client.query(order, ['o3', 'N000003', 'cus_c', 'partially_refunded', viaCampaign, 800, NOW])
      await client.query(
        `INSERT INTO ${s}.campaigns (id, status, cursor, data, created_at, updated_at) VALUES ($1, 'draft', NULL, $2, $3, $3)`,
        ['spring', JSON.stringify(campaign), campaign.createdAt],
      )
    } finally {
      await client.end()
    }

    const storage = createTestStorage(schema)
    try {
      // 8, then whatever later migrations exist.
      expect(await storage.migrate()).toEqual({
        applied: migrations.filter((m) => m.version > 7).map((m) => m.version),
      })
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
      expect((await storage.getOrder({ id: 'o1' }))?.attribution).toEqual(share)

      // The report's orders can be found through the partial index on attribution->>'campaignId'.
      const c = await storage.pool.connect()
      try {
        await c.query('SET enable_seqscan = off')
        const { rows } = await c.query(
          `EXPLAIN SELECT count(*) FROM ${s}.orders WHERE attribution ? 'campaignId'
           AND attribution->>'campaignId' = 'spring'`,
        )
        expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('orders_campaign')
      } finally {
        c.release()
      }
    } finally {
      await storage.close()
    }
  })
})
