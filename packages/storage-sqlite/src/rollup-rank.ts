import type { RollupRank } from '@loopkit/core'
import type { Db } from './_internal/db.js'

type Side = 'inside' | 'outside'

/** The sum of `@metric` of `@dim` for the key `k.key` in `@a..@b`, through the key indexes. */
function keySum(side: Side): string {
  const counts = 'rollup_counts INDEXED BY rollup_counts_by_key'
  if (side === 'inside')
    return `(SELECT COALESCE(SUM(value), 0) FROM ${counts}
      WHERE dim = @dim AND key = c.key AND day BETWEEN @a AND @b AND metric = @metric)`
  return `((SELECT COALESCE(SUM(value), 0) FROM rollup_totals INDEXED BY rollup_totals_by_key
      WHERE dim = @dim AND key = c.key AND metric = @metric)
    - (SELECT COALESCE(SUM(value), 0) FROM ${counts}
      WHERE dim = @dim AND key = c.key AND (day < @a OR day > @b) AND metric = @metric))`
}

/** Every key's sum of `@metric` of `@dim` in `@a..@b`. */
function allSums(side: Side): string {
  if (side === 'inside')
    return `SELECT key, SUM(value) AS value FROM rollup_counts
      WHERE dim = @dim AND day BETWEEN @a AND @b AND metric = @metric GROUP BY key HAVING SUM(value) <> 0`
  return `SELECT key, SUM(value) AS value FROM (
      SELECT key, value FROM rollup_totals WHERE dim = @dim AND metric = @metric
      UNION ALL SELECT key, -value FROM rollup_counts WHERE dim = @dim AND day < @a AND metric = @metric
      UNION ALL SELECT key, -value FROM rollup_counts WHERE dim = @dim AND day > @b AND metric = @metric
    ) GROUP BY key HAVING SUM(value) <> 0`
}

/**
 * The top `limit` keys by people (`people`, a query of step, key, people per key), then by the
 * counter, then by key. The counter only breaks ties, so it is read only for the keys with at least
 * as many people as the `limit`-th key (a few per key, through the key indexes); when fewer keys
 * than `limit` have people, keys with only the counter fill the rest and every key's sum is read.
 */
export function rankKeys(
  db: Db,
  input: { people: string; peopleParams: string[]; counter: Side; a: string; b: string },
  params: { dim: string; metric: string; limit: number },
): RollupRank[] {
  const named = { ...params, a: input.a, b: input.b }
  const top = db
    .q(
      `WITH p AS (${input.people}),
         c AS (SELECT key, people FROM p
               WHERE people >= (SELECT people FROM p ORDER BY people DESC LIMIT 1 OFFSET @limit - 1))
       SELECT key, people, ${keySum(input.counter)} AS value FROM c
       ORDER BY people DESC, value DESC, key LIMIT @limit`,
    )
    .all(...input.peopleParams, named) as RollupRank[]
  if (top.length === params.limit) return top
  return db
    .q(
      `WITH p AS (${input.people}), v AS (${allSums(input.counter)}),
         k AS (SELECT key FROM p UNION SELECT key FROM v)
       SELECT k.key AS key, COALESCE(p.people, 0) AS people, COALESCE(v.value, 0) AS value
       FROM k LEFT JOIN p ON p.key = k.key LEFT JOIN v ON v.key = k.key
       ORDER BY people DESC, value DESC, k.key LIMIT @limit`,
    )
    .all(...input.peopleParams, named) as RollupRank[]
}
