import {
  type RollupBatch,
  type RollupPeople,
  type RollupPurchase,
  type RollupRank,
  type RollupStorage,
  rollupWindowSide,
} from '@loopkit/core'
import type { Db } from './_internal/db.js'
import { Params } from './_internal/effects.js'
import { presenceRows, presenceSql } from './rollup-people.js'
import { rankAllSql, rankTopSql } from './rollup-rank.js'

/** A SQL condition on `metric` for the wanted metrics (`*` all, `prefix:*` a prefix). */
function metricFilter(p: Params, metrics: readonly string[]): string {
  if (metrics.includes('*')) return 'true'
  const exact = metrics.filter((m) => !m.endsWith(':*'))
  const prefixes = metrics.filter((m) => m.endsWith(':*')).map((m) => m.slice(0, -1))
  const parts = [`metric = ANY(${p.add(exact)}::text[])`]
  // starts_with, not LIKE: a currency or metric name never needs escaping.
  if (prefixes.length)
    parts.push(`EXISTS (SELECT 1 FROM unnest(${p.add(prefixes)}::text[]) AS x WHERE starts_with(metric, x))`)
  return `(${parts.join(' OR ')})`
}

/** A batch's purchases per customer: how many, the earliest (with its month) and the second earliest. */
function perBuyer(purchases: readonly RollupPurchase[]) {
  const out = new Map<
    string,
    { customerId: string; n: number; first: number; month: string; second: number | null }
  >()
  for (const p of purchases) {
    const b = out.get(p.customerId)
    if (!b)
      out.set(p.customerId, { customerId: p.customerId, n: 1, first: p.at, month: p.month, second: null })
    else {
      if (p.at < b.first) {
        b.second = b.first
        b.first = p.at
        b.month = p.month
      } else if (b.second === null || p.at < b.second) b.second = p.at
      b.n += 1
    }
  }
  return [...out.values()]
}

/** The earliest and latest day of every day the batch writes, or null for an empty batch. */
function batchDays(batch: RollupBatch): { first: string; last: string } | null {
  let first: string | null = null
  let last: string | null = null
  for (const { day } of [...batch.counts, ...batch.people]) {
    if (first === null || day < first) first = day
    if (last === null || day > last) last = day
  }
  return first === null || last === null ? null : { first, last }
}

/**
 * People who reached each step in `[$2, $3]` (steps `$1`), read from inside the window (reach rows
 * of its days whose previous day is before it) or from outside it (everyone, less those last seen
 * before it, less reach rows after it whose previous day is before it). `scope` picks the per-key
 * or the across-keys rows.
 */
function peopleSql(s: string, side: 'inside' | 'outside', scope: string): string {
  if (side === 'inside')
    return `SELECT step, key, SUM(people)::bigint AS people FROM ${s}.rollup_reach
      WHERE step = ANY($1::text[]) AND day BETWEEN $2 AND $3 AND ${scope} AND prev < $2
      GROUP BY step, key HAVING SUM(people) > 0`
  return `SELECT step, key, SUM(n)::bigint AS people FROM (
      SELECT step, key, people AS n FROM ${s}.rollup_people_total WHERE step = ANY($1::text[]) AND ${scope}
      UNION ALL SELECT step, key, -people FROM ${s}.rollup_last
        WHERE step = ANY($1::text[]) AND day < $2 AND ${scope}
      UNION ALL SELECT step, key, -people FROM ${s}.rollup_reach
        WHERE step = ANY($1::text[]) AND day > $3 AND ${scope} AND prev < $2
    ) AS x GROUP BY step, key HAVING SUM(n) > 0`
}

export function rollupOps(db: Db): RollupStorage {
  const { s } = db
  type Range = { firstDay: string | null; lastDay: string | null }
  // The days the rollups hold only steer which side of a window a read takes (both are exact), so
  // the range read with the cursor (every analytics read reads the cursor first) serves the reads
  // that follow for a second, saving a round trip each.
  let known: { range: Range; at: number } | null = null
  const cursorRow = async () => {
    const { rows } = await db.query<{ cursor: number } & Range>(
      `SELECT cursor, first_day AS "firstDay", last_day AS "lastDay" FROM ${s}.rollup_cursor WHERE id = 1`,
    )
    const row = rows[0] ?? { cursor: 0, firstDay: null, lastDay: null }
    known = { range: { firstDay: row.firstDay, lastDay: row.lastDay }, at: Date.now() }
    return row
  }
  const range = async (): Promise<Range> => {
    if (!known || Date.now() - known.at >= 1000) await cursorRow()
    return known!.range
  }
  return {
    async rollupCursor() {
      return { cursor: (await cursorRow()).cursor }
    },

    async applyRollups({ from, to, batch }) {
      const applied = await db.tx(async (q) => {
        // The compare-and-set takes the cursor row's lock until commit: a second instance's
        // update waits, then finds the cursor moved and applies nothing.
        // A missing cursor row (an emptied table) is cursor 0; of two inserting it, one wins.
        const days = batchDays(batch)
        let moved = await q.query(
          `UPDATE ${s}.rollup_cursor SET cursor = $1,
             first_day = LEAST(first_day, $3), last_day = GREATEST(last_day, $4)
           WHERE id = 1 AND cursor = $2`,
          [to, from, days?.first ?? null, days?.last ?? null],
        )
        if (moved.rowCount === 0 && from === 0)
          moved = await q.query(
            `INSERT INTO ${s}.rollup_cursor (id, cursor, first_day, last_day) VALUES (1, $1, $2, $3)
             ON CONFLICT (id) DO NOTHING`,
            [to, days?.first ?? null, days?.last ?? null],
          )
        if (moved.rowCount !== 1) return false
        if (batch.counts.length) {
          await q.query(
            `INSERT INTO ${s}.rollup_counts (dim, day, metric, key, value)
             SELECT x->>'dim', x->>'day', x->>'metric', x->>'key', (x->>'value')::bigint
             FROM jsonb_array_elements($1::jsonb) AS x
             ON CONFLICT (dim, day, metric, key) DO UPDATE SET value = rollup_counts.value + excluded.value`,
            [JSON.stringify(batch.counts)],
          )
          await q.query(
            `INSERT INTO ${s}.rollup_totals AS t (dim, metric, key, value)
             SELECT x->>'dim', x->>'metric', x->>'key', SUM((x->>'value')::bigint)
             FROM jsonb_array_elements($1::jsonb) AS x GROUP BY 1, 2, 3
             ON CONFLICT (dim, metric, key) DO UPDATE SET value = t.value + excluded.value`,
            [JSON.stringify(batch.counts)],
          )
        }
        if (batch.people.length) await q.query(presenceSql(s), [JSON.stringify(presenceRows(batch.people))])
        const buyers = perBuyer(batch.purchases)
        if (buyers.length)
          await q.query(
            `INSERT INTO ${s}.rollup_buyers AS b (customer_id, orders, first_at, month, second_at)
             SELECT x->>'customerId', (x->>'n')::bigint, (x->>'first')::bigint, x->>'month', (x->>'second')::bigint
             FROM jsonb_array_elements($1::jsonb) AS x
             ON CONFLICT (customer_id) DO UPDATE SET
               second_at = CASE WHEN excluded.first_at < b.first_at
                                THEN LEAST(b.first_at, coalesce(excluded.second_at, b.first_at))
                                ELSE LEAST(coalesce(b.second_at, excluded.first_at), excluded.first_at) END,
               month = CASE WHEN excluded.first_at < b.first_at THEN excluded.month ELSE b.month END,
               first_at = LEAST(b.first_at, excluded.first_at),
               orders = b.orders + excluded.orders`,
            [JSON.stringify(buyers)],
          )
        return true
      })
      return { applied }
    },

    async sumRollups({ fromDay, toDay, metrics, dim, byDay, keys }) {
      type Row = { day: string | null; metric: string; key: string; value: number }
      const p = new Params()
      const filter = `${metricFilter(p, metrics)}${keys ? ` AND key = ANY(${p.add(keys)}::text[])` : ''}`
      if (byDay) {
        const where = `dim = ${p.add(dim)} AND day BETWEEN ${p.add(fromDay)} AND ${p.add(toDay)} AND ${filter}`
        const { rows } = await db.query<Row>(
          `SELECT day, metric, key, SUM(value)::bigint AS value
           FROM ${s}.rollup_counts WHERE ${where} GROUP BY day, metric, key`,
          p.values,
        )
        return rows
      }
      const side = rollupWindowSide({ fromDay, toDay, ...(await range()) })
      const [d, a, b] = [p.add(dim), p.add(fromDay), p.add(toDay)]
      const sql =
        side === 'inside'
          ? `SELECT NULL::text AS day, metric, key, SUM(value)::bigint AS value FROM ${s}.rollup_counts
             WHERE dim = ${d} AND day BETWEEN ${a} AND ${b} AND ${filter}
             GROUP BY metric, key HAVING SUM(value) <> 0`
          : // All time less the days before and after the window.
            `SELECT NULL::text AS day, metric, key, SUM(value)::bigint AS value FROM (
               SELECT metric, key, value FROM ${s}.rollup_totals WHERE dim = ${d} AND ${filter}
               UNION ALL SELECT metric, key, -value FROM ${s}.rollup_counts
                 WHERE dim = ${d} AND day < ${a} AND ${filter}
               UNION ALL SELECT metric, key, -value FROM ${s}.rollup_counts
                 WHERE dim = ${d} AND day > ${b} AND ${filter}
             ) AS x GROUP BY metric, key HAVING SUM(value) <> 0`
      const { rows } = await db.query<Row>(sql, p.values)
      return rows
    },

    async countRollupPeople({ fromDay, toDay, steps, byKey }) {
      if (steps.length === 0) return []
      const { firstDay, lastDay } = await range()
      const people = async (wanted: string[], keyed: boolean): Promise<RollupPeople[]> => {
        // Without a key a day holds a row per earlier day people were last seen on: weigh it so.
        const side = rollupWindowSide({ fromDay, toDay, firstDay, lastDay, density: keyed ? 1 : 8 })
        const { rows } = await db.query<{ step: string; key: string; people: number }>(
          peopleSql(s, side, keyed ? "key <> ''" : "key = ''"),
          [wanted, fromDay, toDay],
        )
        return rows.map((r) => ({ step: r.step, key: keyed ? r.key : null, people: r.people }))
      }
      if (!byKey) return people(steps, false)
      const keyed = await people(steps, true)
      // A step counted without keys has one row, under key ''.
      const rest = steps.filter((step) => !keyed.some((r) => r.step === step))
      const plain = rest.length ? await people(rest, false) : []
      return [...keyed, ...plain.map((r) => ({ ...r, key: '' }))]
    },

    async topRollupKeys({ fromDay, toDay, step, dim, metric, limit }) {
      const span = { fromDay, toDay, ...(await range()) }
      const people = peopleSql(s, rollupWindowSide(span), "key <> ''")
      const counter = rollupWindowSide(span)
      const params = [[step], fromDay, toDay, dim, metric, limit]
      const top = await db.query<RollupRank>(rankTopSql(s, people, counter), params)
      if (top.rows.length === limit) return top.rows
      return (await db.query<RollupRank>(rankAllSql(s, people, counter), params)).rows
    },

    async rollupCohorts({ fromMonth, toMonth }) {
      const { rows } = await db.query<{
        month: string
        buyers: number
        repeaters: number
        secondOrderMs: number
      }>(
        `SELECT month, COUNT(*)::bigint AS buyers, COUNT(second_at)::bigint AS repeaters,
           COALESCE(SUM(second_at - first_at), 0)::bigint AS "secondOrderMs"
         FROM ${s}.rollup_buyers WHERE month BETWEEN $1 AND $2 GROUP BY month ORDER BY month`,
        [fromMonth, toMonth],
      )
      return rows
    },
  }
}
