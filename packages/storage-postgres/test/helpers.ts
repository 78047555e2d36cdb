import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { postgresStorage } from '../src/index.js'
import type { PostgresStorage, PostgresStorageOptions } from '../src/index.js'

/** The test server (trust auth); override with `LOOPKIT_TEST_POSTGRES_URL`. */
export const TEST_URL = process.env.LOOPKIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A fresh schema name per test run, so parallel runs never see each other's rows. */
export function randomSchema(prefix = 'lk_test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`
}

export function createTestStorage(schema = randomSchema(), options: Omit<PostgresStorageOptions, 'schema'> = {}): PostgresStorage {
  return postgresStorage({ connectionString: TEST_URL, max: 10 }, { ...options, schema })
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_URL })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    await client.end()
  }
}
