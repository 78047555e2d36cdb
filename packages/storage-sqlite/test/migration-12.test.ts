import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate, migrations, sqliteStorage } from '../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'loopkit-migrate-12-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

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
  it('a version-11 database keeps its campaigns, lists them newest first, and each page walks an index', async () => {
    const file = join(dir, 'v11.db')
    const raw = new Database(file)
    migrate(
      raw,
      migrations.filter((m) => m.version <= 11),
    )
    const insert = raw.prepare(
      'INSERT INTO campaigns (id, status, cursor, data, created_at, updated_at) VALUES (?, ?, NULL, ?, ?, ?)',
    )
    for (const [id, status, at] of [
      ['cmp_a', 'sent', 1],
      ['cmp_b', 'draft', 2],
      ['cmp_c', 'sent', 3],
    ] as const)
      insert.run(id, status, JSON.stringify(campaign(id, status, at)), at, at)
    raw.close()

    const storage = sqliteStorage({ file })
    try {
      expect((await storage.listCampaigns!({ limit: 10 })).map((c) => c.id)).toEqual([
        'cmp_c',
        'cmp_b',
        'cmp_a',
      ])
      expect(
        (
          await storage.listCampaigns!({ status: 'sent', before: { createdAt: 3, id: 'cmp_c' }, limit: 10 })
        ).map((c) => c.id),
      ).toEqual(['cmp_a'])
    } finally {
      await storage.close?.()
    }
    const check = new Database(file, { readonly: true })
    const plan = (sql: string) =>
      (check.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>)
        .map((r) => r.detail)
        .join()
    expect(
      plan(
        "SELECT data FROM campaigns WHERE (created_at, id) < (3, 'cmp_c') ORDER BY created_at DESC, id DESC LIMIT 5",
      ),
    ).toContain('USING INDEX campaigns_created')
    expect(
      plan(
        "SELECT data FROM campaigns WHERE status = 'sent' AND (created_at, id) < (3, 'cmp_c') ORDER BY created_at DESC, id DESC LIMIT 5",
      ),
    ).toContain('USING INDEX campaigns_status_created')
    check.close()
  })
})
