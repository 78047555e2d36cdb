import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate, migrations, sqliteStorage } from '../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'loopkit-migrate-11-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migration 11 (campaign delivery)', () => {
  it('a version-7 database with a campaign half fanned out gains broadcast jobs and finishes the fan-out set-based', async () => {
    const file = join(dir, 'v7.db')
    const raw = new Database(file)
    migrate(
      raw,
      migrations.filter((m) => m.version <= 7),
    )
    const customer =
      raw.prepare(`INSERT INTO customers (id, identities, display_name, avatar_url, tags, consents,
      referred_by, followed_at, created_at, updated_at) VALUES (?, '[]', NULL, NULL, '[]', '[]', NULL, 1, 0, 0)`)
    for (const id of ['cus_a', 'cus_b', 'cus_c']) customer.run(id)
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
    raw
      .prepare(
        'INSERT INTO campaigns (id, status, cursor, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(campaign.id, campaign.status, campaign.cursor, JSON.stringify(campaign), 1, 5)
    raw.close()

    const storage = sqliteStorage({ file })
    try {
      const done = await storage.fanOutCampaign!({
        id: 'cmp_old',
        expect: { cursor: 'cus_a' },
        where: campaign.where,
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
      const check = new Database(file, { readonly: true })
      expect(check.prepare('SELECT MAX(version) AS v FROM schema_migrations').get()).toEqual({
        v: Math.max(...migrations.map((m) => m.version)),
      })
      check.close()
    } finally {
      await storage.close?.()
    }
  })
})
