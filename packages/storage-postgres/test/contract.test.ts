import type { Customer } from '@loopkit/core'
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
  seedCustomers: (_storage, customers) => seedCustomers(customers),
})

/** The scale case's customers as two multi-row inserts (arrays unnested server-side). */
async function seedCustomers(customers: Customer[]): Promise<void> {
  const col = <T>(f: (c: Customer) => T) => customers.map(f)
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    await client.query(
      `INSERT INTO "${schema}".customers (id, display_name, avatar_url, tags, referred_by, followed_at,
         unfollowed_at, last_interaction_at, time_zone, created_at, updated_at)
       SELECT id, dn, av, ARRAY(SELECT jsonb_array_elements_text(tags)), rb, fa, ua, la, tz, ca, ua2
       FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::bigint[], $7::bigint[],
         $8::bigint[], $9::text[], $10::bigint[], $11::bigint[])
         AS t(id, dn, av, tags, rb, fa, ua, la, tz, ca, ua2)`,
      [
        col((c) => c.id),
        col((c) => c.displayName),
        col((c) => c.avatarUrl),
        col((c) => JSON.stringify(c.tags)),
        col((c) => c.referredBy),
        col((c) => c.followedAt),
        col((c) => c.unfollowedAt),
        col((c) => c.lastInteractionAt),
        col((c) => c.timeZone),
        col((c) => c.createdAt),
        col((c) => c.updatedAt),
      ],
    )
    const ids = customers.flatMap((c) => c.identities.map((i) => ({ ...i, customerId: c.id })))
    await client.query(
      `INSERT INTO "${schema}".identities (provider, subject, customer_id, union_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
      [
        ids.map((i) => i.provider),
        ids.map((i) => i.subject),
        ids.map((i) => i.customerId),
        ids.map((i) => i.unionId ?? null),
      ],
    )
    await client.query('COMMIT')
    // What autovacuum does after a bulk load; without statistics the planner guesses and JITs.
    await client.query(`ANALYZE "${schema}".customers, "${schema}".identities`)
  } catch (error) {
    await client.query('ROLLBACK')
    throw error
  } finally {
    client.release()
  }
}
