import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { migrations } from '../src/index.js'
import { createTestStorage, dropSchema, randomSchema, TEST_URL } from './helpers.js'

const schema = randomSchema()
afterAll(() => dropSchema(schema))

/** Presence rows as the version-7 fold wrote them: (step, day, key, person). */
const presences: Array<[string, string, string, string]> = [
  ['logged_in', '2026-01-01', '', 'a'],
  ['logged_in', '2026-01-03', '', 'a'],
  ['logged_in', '2026-01-09', '', 'a'],
  ['logged_in', '2026-01-05', '', 'b'],
  ['logged_in', '2026-01-09', '', 'c'],
  ['friend_bought', '2026-01-02', 's1', 'a'],
  ['friend_bought', '2026-01-04', 's2', 'a'],
  ['friend_bought', '2026-01-04', 's1', 'b'],
  ['friend_bought', '2026-01-08', 's1', 'a'],
]

describe('migration 10 (analytics windows)', () => {
  it('folds the rollups of a version-7 schema forward: same numbers in every window, and new batches keep them', async () => {
    const s = `"${schema}"`
    const client = new pg.Client({ connectionString: TEST_URL })
    await client.connect()
    try {
      await client.query(`CREATE SCHEMA ${s}`)
      await client.query(
        `CREATE TABLE ${s}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now())`,
      )
      for (const m of migrations.filter((x) => x.version <= 7)) {
        await client.query(m.sql(s))
        await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [
          m.version,
          m.name,
        ])
      }
      for (const p of presences)
        await client.query(
          `INSERT INTO ${s}.rollup_people (step, day, key, person) VALUES ($1, $2, $3, $4)`,
          p,
        )
      for (const [day, key, value] of [
        ['2026-01-02', 's1', 3],
        ['2026-01-06', 's1', 2],
        ['2026-01-06', 's2', 5],
      ] as const)
        await client.query(
          `INSERT INTO ${s}.rollup_counts (dim, day, metric, key, value) VALUES ('sharer', $1, 'visits', $2, $3)`,
          [day, key, value],
        )
      await client.query(`UPDATE ${s}.rollup_cursor SET cursor = 40`)
    } finally {
      await client.end()
    }

    const storage = createTestStorage(schema)
    try {
      expect(await storage.migrate()).toEqual({
        applied: migrations.filter((m) => m.version > 7).map((m) => m.version),
      })
      const people = async (fromDay: string, toDay: string, byKey = false) =>
        Object.fromEntries(
          (await storage.countRollupPeople!({ fromDay, toDay, steps: ['logged_in', 'friend_bought'], byKey }))
            .map((r) => [`${r.step}/${r.key}`, r.people])
            .sort(),
        )
      expect(await storage.rollupCursor!({})).toEqual({ cursor: 40 })
      expect(await people('2026-01-01', '2026-01-31')).toEqual({
        'friend_bought/null': 2,
        'logged_in/null': 3,
      })
      // a was seen on the 1st and the 9th, not between: not in the 4th..8th.
      expect(await people('2026-01-04', '2026-01-08')).toEqual({
        'friend_bought/null': 2,
        'logged_in/null': 1,
      })
      expect(await people('2026-01-04', '2026-01-08', true)).toEqual({
        'friend_bought/s1': 2,
        'friend_bought/s2': 1,
        'logged_in/': 1,
      })
      const visits = async (fromDay: string, toDay: string) =>
        (await storage.sumRollups!({ fromDay, toDay, dim: 'sharer', metrics: ['visits'] }))
          .map((r) => `${r.key}=${r.value}`)
          .sort()
      expect(await visits('2026-01-01', '2026-12-31')).toEqual(['s1=5', 's2=5'])
      expect(await visits('2026-01-03', '2026-01-31')).toEqual(['s1=2', 's2=5'])

      // A later batch puts c on the 4th, before c's 9th; b on the 7th after b's 5th.
      expect(
        await storage.applyRollups!({
          from: 40,
          to: 41,
          batch: {
            counts: [{ day: '2026-01-07', metric: 'visits', dim: 'sharer', key: 's2', value: 1 }],
            people: [
              { day: '2026-01-04', step: 'logged_in', key: '', person: 'c' },
              { day: '2026-01-07', step: 'logged_in', key: '', person: 'b' },
            ],
            purchases: [],
          },
        }),
      ).toEqual({ applied: true })
      expect(await people('2026-01-04', '2026-01-08')).toEqual({
        'friend_bought/null': 2,
        'logged_in/null': 2,
      })
      expect(await people('2026-01-06', '2026-01-31')).toEqual({
        'friend_bought/null': 1,
        'logged_in/null': 3,
      })
      expect(await visits('2026-01-01', '2026-12-31')).toEqual(['s1=5', 's2=6'])
    } finally {
      await storage.close()
    }
  })
})
