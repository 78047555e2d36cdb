import type { RollupPresence } from '@loopkit/core'

/**
 * The presence rows of a batch as written: each keyed row also under key `''`, so "distinct across
 * keys" is read like any other step; repeats removed.
 */
export function presenceRows(people: readonly RollupPresence[]): RollupPresence[] {
  const out = new Map<string, RollupPresence>()
  for (const p of people)
    for (const key of p.key === '' ? [''] : [p.key, '']) {
      const row = { step: p.step, key, person: p.person, day: p.day }
      out.set(`${p.step}\u0000${key}\u0000${p.person}\u0000${p.day}`, row)
    }
  return [...out.values()]
}

/**
 * One statement that records presence rows (`$1`, a JSON array) and keeps the distinct-people
 * aggregates they feed (see migration 10). The rows already present are skipped; for the people
 * with a new day it recomputes their `(day, previous day)` pairs and their last day with and without
 * the new days and applies the difference, and counts the people new to a step. Every sub-statement
 * sees the table as it was before the insert, which is what "without the new days" reads.
 */
export function presenceSql(s: string): string {
  return `
WITH input AS (
  SELECT DISTINCT x->>'step' AS step, x->>'key' AS key, x->>'person' AS person, x->>'day' AS day
  FROM jsonb_array_elements($1::jsonb) AS x
),
ins AS (
  INSERT INTO ${s}.rollup_seen (step, key, person, day) SELECT step, key, person, day FROM input
  ON CONFLICT DO NOTHING RETURNING step, key, person, day
),
who AS (SELECT DISTINCT step, key, person FROM ins),
before_rows AS (
  SELECT r.step, r.key, r.person, r.day FROM ${s}.rollup_seen AS r JOIN who USING (step, key, person)
),
after_rows AS (SELECT * FROM before_rows UNION ALL SELECT * FROM ins),
reach_delta AS (
  SELECT step, day, key, prev, SUM(d)::bigint AS d FROM (
    SELECT step, day, key, COALESCE(LAG(day) OVER w, '') AS prev, 1 AS d FROM after_rows
      WINDOW w AS (PARTITION BY step, key, person ORDER BY day)
    UNION ALL
    SELECT step, day, key, COALESCE(LAG(day) OVER w, '') AS prev, -1 AS d FROM before_rows
      WINDOW w AS (PARTITION BY step, key, person ORDER BY day)
  ) AS x GROUP BY step, day, key, prev HAVING SUM(d) <> 0
),
last_delta AS (
  SELECT step, day, key, SUM(d)::bigint AS d FROM (
    SELECT step, key, MAX(day) AS day, 1 AS d FROM after_rows GROUP BY step, key, person
    UNION ALL SELECT step, key, MAX(day) AS day, -1 AS d FROM before_rows GROUP BY step, key, person
  ) AS x GROUP BY step, day, key HAVING SUM(d) <> 0
),
fresh AS (
  SELECT step, key, COUNT(*)::bigint AS d FROM who
  WHERE NOT EXISTS (
    SELECT 1 FROM before_rows AS b WHERE b.step = who.step AND b.key = who.key AND b.person = who.person)
  GROUP BY step, key
),
reach_write AS (
  INSERT INTO ${s}.rollup_reach AS t (step, day, key, prev, people)
  SELECT step, day, key, prev, d FROM reach_delta
  ON CONFLICT (step, day, key, prev) DO UPDATE SET people = t.people + excluded.people
),
last_write AS (
  INSERT INTO ${s}.rollup_last AS t (step, day, key, people)
  SELECT step, day, key, d FROM last_delta
  ON CONFLICT (step, day, key) DO UPDATE SET people = t.people + excluded.people
)
INSERT INTO ${s}.rollup_people_total AS t (step, key, people)
SELECT step, key, d FROM fresh
ON CONFLICT (step, key) DO UPDATE SET people = t.people + excluded.people`
}
