import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { migrations } from '../src/index.js'
import { createTestStorage, dropSchema, randomSchema, TEST_URL } from './helpers.js'

const schema = randomSchema()
afterAll(() => dropSchema(schema))

const campaign = (id: string, status: string, at: number) => ({
  id,
  name: null,
  audienceId: 'followers',
  where: { followed: true },
  message: { title: 't', body: 'b', fields: {} },
  channels: ['console'],
  sendAt: null,
  status,
  cursor: null,
  queued: 0,
  unreachable: 0,
  startedAt: null,
  createdAt: at,
  updatedAt: at,
})

describe('migration 12 (campaign list)', () => {
  it('a version-11 schema keeps its campaigns, lists them newest first, and each page walks an index', async () => {
    const s = `"${schema}"`
    const client = new pg.Client({ connectionString: TEST_URL })
    await client.connect()
    try {
      await client.query(`CREATE SCHEMA ${s}`)
      await client.query(
        `CREATE TABLE ${s}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      )
      for (const m of migrations.filter((x) => x.version <= 11)) {
        await client.query(m.sql(s))
        await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [
          m.version,
          m.name,
        ])
      }
      for (const [id, status, at] of [
        ['cmp_a', 'sent', 1],
        ['cmp_B', 'draft', 2],
        ['cmp_c', 'sent', 3],
      ] as const)
        await client.query(
          `INSERT INTO ${s}.campaigns (id, status, cursor, data, created_at, updated_at) VALUES ($1, $2, NULL, $3, $4, $4)`,
          [id, status, JSON.stringify(campaign(id, status, at)), at],
        )
    } finally {
      await client.end()
    }
    const storage = createTestStorage(schema)
    try {
      expect(await storage.migrate()).toEqual({ applied: [12] })
      expect((await storage.listCampaigns!({ limit: 10 })).map((c) => c.id)).toEqual([
        'cmp_c',
        'cmp_B',
        'cmp_a',
      ])
      expect(
        (
          await storage.listCampaigns!({ status: 'sent', before: { createdAt: 3, id: 'cmp_c' }, limit: 10 })
        ).map((c) => c.id),
      ).toEqual(['cmp_a'])
    } finally {
      await storage.close()
    }
    // The planner can answer a page from the index alone (sorted, from the cursor); on three rows it
    // would rather scan, so scans are turned off to see whether the index fits the query.
    const check = new pg.Client({ connectionString: TEST_URL })
    await check.connect()
    try {
      await check.query('SET enable_seqscan = off')
      await check.query('SET enable_sort = off')
      const plan = async (where: string) =>
        (
          await check.query(
            `EXPLAIN SELECT data FROM ${s}.campaigns WHERE ${where} (created_at, id COLLATE "C") < (3, 'cmp_c' COLLATE "C")
             ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT 5`,
          )
        ).rows
          .map((r) => r['QUERY PLAN'])
          .join('\n')
      expect(await plan('')).toMatch(/Index Scan Backward using campaigns_created /)
      expect(await plan(`status = 'sent' AND`)).toMatch(/Index Scan Backward using campaigns_status_created /)
    } finally {
      await check.end()
    }
  })
})
