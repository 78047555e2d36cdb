import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isLoopError } from '@loopkit/core'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate, migrations, sqliteStorage } from '../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'loopkit-migrate-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
const newFile = () => join(dir, `m-${n++}.db`)
const duck = {
  id: 'duck',
  title: 'Duck',
  description: null,
  imageUrl: null,
  price: 8800,
  currency: 'CNY',
  stock: 5,
  active: true,
}

describe('sqliteStorage on open', () => {
  it('applies the migrations once, records them, and keeps data across reopening', async () => {
    const file = newFile()
    const first = sqliteStorage({ file })
    await first.putSku({ sku: duck })
    await first.close?.()
    const again = sqliteStorage({ file })
    expect(await again.getSku({ id: 'duck' })).toEqual(duck)
    await again.close?.()

    const raw = new Database(file, { readonly: true })
    const rows = raw.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()
    expect(rows).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })))
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal')
    raw.close()
  })

  it('creates the folder of a new database file', async () => {
    const file = join(dir, 'nested', 'deeper', 'loop.db')
    const s = sqliteStorage({ file })
    await s.putSku({ sku: duck })
    await s.close?.()
  })

  it('applies only the migrations a database has not seen', () => {
    const raw = new Database(':memory:')
    expect(migrate(raw).applied).toEqual(migrations.map((m) => m.version))
    const next = { version: 1000, name: 'add a column', sql: 'ALTER TABLE skus ADD COLUMN note TEXT' }
    expect(migrate(raw, [...migrations, next]).applied).toEqual([1000])
    expect(migrate(raw, [...migrations, next]).applied).toEqual([])
    raw.close()
  })

  it('rolls back a failing migration whole', () => {
    const raw = new Database(':memory:')
    migrate(raw)
    const broken = {
      version: 1000,
      name: 'broken',
      sql: 'CREATE TABLE half (x INTEGER); SELECT * FROM no_such_table;',
    }
    expect(() => migrate(raw, [...migrations, broken])).toThrow()
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined()
    expect(raw.prepare('SELECT MAX(version) AS v FROM schema_migrations').get()).toEqual({
      v: migrations.at(-1)!.version,
    })
    raw.close()
  })

  it('refuses a database migrated by a newer version', () => {
    const file = newFile()
    sqliteStorage({ file }).close?.()
    const raw = new Database(file)
    raw
      .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
      .run(9999, 'from the future', 0)
    raw.close()
    let error: unknown
    try {
      sqliteStorage({ file })
    } catch (e) {
      error = e
    }
    expect(isLoopError(error) && error.code).toBe('configuration')
  })

  it('refuses a missing file option and an unknown durability setting', () => {
    expect(() => sqliteStorage({} as never)).toThrow(/Missing required option `file`/)
    expect(() => sqliteStorage({ file: ':memory:', synchronous: 'off' as never })).toThrow(/synchronous/)
  })

  it('reports a closed database as a storage error', async () => {
    const s = sqliteStorage({ file: ':memory:' })
    await s.close?.()
    await s.close?.()
    const error = await s.getSku({ id: 'duck' }).catch((e: unknown) => e)
    expect(isLoopError(error) && error.code).toBe('storage_error')
  })

  it('shares one file between two connections without overselling', async () => {
    const file = newFile()
    const a = sqliteStorage({ file })
    const b = sqliteStorage({ file })
    await a.putSku({ sku: { ...duck, stock: 50 } })
    const attempts = Array.from({ length: 100 }, (_, i) => {
      const s = i % 2 === 0 ? a : b
      const order = {
        id: `ord_${i}`,
        number: `N${String(i).padStart(8, '0')}`,
        customerId: `cus_${i}`,
        lines: [{ skuId: 'duck', title: 'Duck', quantity: 1, unitPrice: 8800 }],
        total: 8800,
        currency: 'CNY',
        status: 'pending' as const,
        provider: 'sandbox',
        idempotencyKey: null,
        attribution: null,
        refunded: 0,
        providerRef: null,
        createdAt: i,
        expiresAt: i + 1000,
        paidAt: null,
        updatedAt: i,
      }
      return s.createOrder({ order, reserve: [{ skuId: 'duck', quantity: 1 }] }).then(
        () => true,
        () => false,
      )
    })
    expect((await Promise.all(attempts)).filter(Boolean)).toHaveLength(50)
    expect((await b.getSku({ id: 'duck' }))?.stock).toBe(0)
    await a.close?.()
    await b.close?.()
  })
})
