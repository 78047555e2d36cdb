import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate, migrations, sqliteStorage } from '../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'loopkit-migrate-2-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migration 2 (per-customer purchase limits)', () => {
  it('upgrades a version-1 database: existing SKUs keep their stock and have no limit', async () => {
    const file = join(dir, 'v1.db')
    const raw = new Database(file)
    migrate(
      raw,
      migrations.filter((m) => m.version === 1),
    )
    raw
      .prepare(
        `INSERT INTO skus (id, title, description, image_url, price, currency, stock, active)
         VALUES ('duck', 'Duck', NULL, NULL, 8800, 'CNY', 7, 1)`,
      )
      .run()
    raw.close()

    const storage = sqliteStorage({ file })
    const duck = await storage.getSku({ id: 'duck' })
    expect(duck).toEqual({
      id: 'duck',
      title: 'Duck',
      description: null,
      imageUrl: null,
      price: 8800,
      currency: 'CNY',
      stock: 7,
      active: true,
    })
    expect((await storage.putSku({ sku: { ...duck!, limitPerCustomer: 1 } })).limitPerCustomer).toBe(1)
    await storage.close?.()
  })
})
