import { testStorageAdapter } from '@loopkit/testing'
import pg from 'pg'
import { afterAll, beforeAll } from 'vitest'
import { postgresStorage } from '../src/index.js'
import { dropSchema, randomSchema, TEST_URL } from './helpers.js'

// One schema for this run, migrated once; each test starts from it emptied. (Creating and dropping
// a schema per test works too — see migrations.test.ts — but costs ~0.4 s a test.)
const schema = randomSchema()
const pool = new pg.Pool({ connectionString: TEST_URL, max: 10 })
let tables: string[] = []

beforeAll(async () => {
  await postgresStorage({ pool }, { schema }).migrate()
  const { rows } = await pool.query<{ t: string }>(
    `SELECT quote_ident(tablename) AS t FROM pg_tables WHERE schemaname = $1 AND tablename <> 'schema_migrations'`,
    [schema],
  )
  // DELETE (sub-millisecond on a small table) rather than TRUNCATE (~0.3 s for fifteen tables);
  // customers last, after the rows that reference them.
  tables = rows
    .map((r) => `"${schema}".${r.t}`)
    .sort((a, b) => Number(a.endsWith('.customers')) - Number(b.endsWith('.customers')))
})

afterAll(async () => {
  await pool.end()
  await dropSchema(schema)
})

testStorageAdapter({
  name: 'postgres',
  create: async () => {
    await pool.query(tables.map((t) => `DELETE FROM ${t};`).join('\n'))
    return postgresStorage({ pool }, { schema })
  },
  // The pool belongs to this file; close() leaves it open.
  destroy: async (storage) => storage.close?.(),
})
