type Side = 'inside' | 'outside'

// Parameters of both statements: $1 steps, $2 from, $3 to (as the people query reads them), $4 dim,
// $5 metric, $6 limit.

/** The sum of counter $5 of $4 for the key `c.key` in $2..$3, through the key indexes. */
function keySum(s: string, side: Side): string {
  if (side === 'inside')
    return `(SELECT COALESCE(SUM(value), 0) FROM ${s}.rollup_counts
      WHERE dim = $4 AND key = c.key AND day BETWEEN $2 AND $3 AND metric = $5)`
  return `((SELECT COALESCE(SUM(value), 0) FROM ${s}.rollup_totals WHERE dim = $4 AND key = c.key AND metric = $5)
    - (SELECT COALESCE(SUM(value), 0) FROM ${s}.rollup_counts
      WHERE dim = $4 AND key = c.key AND (day < $2 OR day > $3) AND metric = $5))`
}

/**
 * The top $6 keys by people (`people`: step, key, people per key), then by the counter, then by key
 * (by code unit). The counter only breaks ties, so it is read only for the keys with at least as
 * many people as the $6-th key. Fewer rows than $6 means fewer keys have people: run
 * {@link rankAllSql} instead.
 */
export function rankTopSql(s: string, people: string, counter: Side): string {
  return `WITH p AS (${people}),
    c AS (SELECT key, people FROM p
          WHERE people >= (SELECT people FROM p ORDER BY people DESC LIMIT 1 OFFSET $6 - 1))
  SELECT key, people::bigint AS people, ${keySum(s, counter)}::bigint AS value FROM c
  ORDER BY 2 DESC, 3 DESC, key COLLATE "C" LIMIT $6`
}

/** Every key with people or a non-zero counter, ranked the same way: what fills a short board. */
export function rankAllSql(s: string, people: string, counter: Side): string {
  const sum =
    counter === 'inside'
      ? `SELECT key, SUM(value) AS value FROM ${s}.rollup_counts
         WHERE dim = $4 AND day BETWEEN $2 AND $3 AND metric = $5 GROUP BY key`
      : `SELECT key, SUM(value) AS value FROM (
           SELECT key, value FROM ${s}.rollup_totals WHERE dim = $4 AND metric = $5
           UNION ALL SELECT key, -value FROM ${s}.rollup_counts WHERE dim = $4 AND day < $2 AND metric = $5
           UNION ALL SELECT key, -value FROM ${s}.rollup_counts WHERE dim = $4 AND day > $3 AND metric = $5
         ) AS x GROUP BY key`
  return `WITH p AS (${people}), v AS (${sum} HAVING SUM(value) <> 0),
    k AS (SELECT key FROM p UNION SELECT key FROM v)
  SELECT k.key, COALESCE(p.people, 0)::bigint AS people, COALESCE(v.value, 0)::bigint AS value
  FROM k LEFT JOIN p ON p.key = k.key LEFT JOIN v ON v.key = k.key
  ORDER BY 2 DESC, 3 DESC, k.key COLLATE "C" LIMIT $6`
}
