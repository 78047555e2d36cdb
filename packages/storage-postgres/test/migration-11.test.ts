import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { migrations } from '../src/index.js'
import { createTestStorage, dropSchema, randomSchema, TEST_URL } from './helpers.js'

const schema = randomSchema()
afterAll(() => dropSchema(schema))

describe('migration 11 (campaign delivery)', () => {
  it('a version-7 schema with a campaign half fanned out gains broadcast jobs and finishes the fan-out set-based', async () => {
    const s = `"${schema}"`
    const client = new pg.Client({ connectionString: TEST_URL })
    await client.connect()
    try {
      await client.query(`CREATE SCHEMA ${s}`)
      await client.query(
        `CREATE TABLE ${s}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      )
      for (const m of migrations.filter((x) => x.version <= 7)) {
        await client.query(m.sql(s))
        await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [
          m.version,
          m.name,
        ])
      }
      await client.query(`INSERT INTO ${s}.customers (id, followed_at, created_at, updated_at)
        VALUES ('cus_a', 1, 0, 0), ('cus_b', 1, 0, 0), ('cus_c', 1, 0, 0)`)
      const campaign = {
        id: 'cmp_old',
        name: null,
        audienceId: 'followers',
        where: { followed: true },
        message: { title: 't', body: 'b', fields: {} },
        channels: ['console'],
        sendAt: null,
        status: 'sending',
        cursor: 'cus_a',
        queued: 1,
        unreachable: 0,
        startedAt: 5,
        createdAt: 1,
        updatedAt: 5,
      }
      await client.query(
        `INSERT INTO ${s}.campaigns (id, status, cursor, data, created_at, updated_at) VALUES ($1, $2, $3, $4, 1, 5)`,
        [campaign.id, campaign.status, campaign.cursor, JSON.stringify(campaign)],
      )
    } finally {
      await client.end()
    }
    const storage = createTestStorage(schema)
    try {
      expect(await storage.migrate()).toEqual({
        applied: migrations.filter((m) => m.version > 7).map((m) => m.version),
      })
      const done = await storage.fanOutCampaign!({
        id: 'cmp_old',
        expect: { cursor: 'cus_a' },
        where: { followed: true },
        now: 5,
        limit: 10,
        routes: [{ channel: 'console', reach: { all: [] } }],
        message: { topic: 'campaign', title: 't', body: 'b', fields: {} },
        nextAttemptAt: null,
        at: 9,
      })
      expect(done).toMatchObject({ status: 'sent', cursor: null, queued: 3 })
      expect((await storage.listNotifications({ limit: 10 })).map((r) => r.customerId).sort()).toEqual([
        'cus_b',
        'cus_c',
      ])
      expect(await storage.listBroadcastJobs!({ campaignId: 'cmp_old' })).toEqual([])
    } finally {
      await storage.close()
    }
  })
})
