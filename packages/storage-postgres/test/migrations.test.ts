import { isLoopError } from '@loopkit/core'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { migrations, postgresStorage } from '../src/index.js'
import { createTestStorage, dropSchema, randomSchema, TEST_URL } from './helpers.js'

const schemas: string[] = []
afterAll(async () => {
  await Promise.all(schemas.map(dropSchema))
})

describe('postgresStorage migrations', () => {
  it('creates the schema and records each version on first use', async () => {
    const schema = randomSchema()
    schemas.push(schema)
    const storage = createTestStorage(schema)
    try {
      expect(await storage.getSku({ id: 'nothing' })).toBeNull()
      const { rows } = await storage.pool.query(
        `SELECT version, name FROM "${schema}".schema_migrations ORDER BY version`,
      )
      expect(rows).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })))
      expect(await storage.migrate()).toEqual({ applied: [] })
    } finally {
      await storage.close()
    }
  })

  it('is safe when four processes start on an empty schema at the same moment', async () => {
    const schema = randomSchema()
    schemas.push(schema)
    // Separate pools behave like separate processes: each has its own connections and its own
    // "migrated?" memo, so all four really run the migration path concurrently.
    const storages = Array.from({ length: 4 }, () => createTestStorage(schema))
    try {
      const results = await Promise.all(storages.map((s) => s.migrate()))
      expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, 0, migrations.length])
      const { rows } = await storages[0]!.pool.query(
        `SELECT count(*)::int AS n FROM "${schema}".schema_migrations`,
      )
      expect(rows[0].n).toBe(migrations.length)
    } finally {
      await Promise.all(storages.map((s) => s.close()))
    }
  })

  it('uses a pool the app passes in and leaves it open on close()', async () => {
    const schema = randomSchema()
    schemas.push(schema)
    const pool = new pg.Pool({ connectionString: TEST_URL, max: 2 })
    const storage = postgresStorage({ pool }, { schema })
    await storage.cacheSet({ key: 'k', value: 'v', ttlMs: 1000, now: 0 })
    await storage.close()
    const { rows } = await pool.query(`SELECT value FROM "${schema}".cache`)
    expect(rows).toEqual([{ value: 'v' }])
    await pool.end()
  })

  it('leaves migrating to the app with `migrate: false`', async () => {
    const schema = randomSchema()
    schemas.push(schema)
    const storage = createTestStorage(schema, { migrate: false })
    try {
      const before = await storage.getSku({ id: 'duck' }).catch((e: unknown) => e)
      expect(isLoopError(before) && before.code).toBe('storage_error')
      expect(await storage.migrate()).toEqual({ applied: migrations.map((m) => m.version) })
      expect(await storage.getSku({ id: 'duck' })).toBeNull()
    } finally {
      await storage.close()
    }
  })

  it('rejects a schema name that is not a plain identifier', () => {
    let caught: unknown
    try {
      postgresStorage({ connectionString: TEST_URL }, { schema: 'a"; DROP TABLE x; --' })
    } catch (e) {
      caught = e
    }
    expect(isLoopError(caught) && caught.code).toBe('configuration')
  })

  it('reports an unreachable server as a retryable storage_error without the connection string', async () => {
    const storage = postgresStorage({ connectionString: 'postgres://postgres:s3cret-pw@127.0.0.1:1/test' })
    const error = await storage.getSku({ id: 'x' }).catch((e: unknown) => e)
    await storage.close()
    expect(isLoopError(error) && error.code).toBe('storage_error')
    expect(isLoopError(error) && error.retryable).toBe(true)
    expect(String((error as Error).message)).not.toContain('s3cret-pw')
  })
})
