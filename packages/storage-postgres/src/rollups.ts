import type { RollupPurchase, RollupStorage } from '@loopkit/core'
import type { Db } from './_internal/db.js'
import { Params } from './_internal/effects.js'

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

export function rollupOps(db: Db): RollupStorage {
  const { s } = db
  return {
    async rollupCursor() {
      const { rows } = await db.query<{ cursor: number }>(
        `SELECT cursor FROM ${s}.rollup_cursor WHERE id = 1`,
      )
      return { cursor: rows[0]?.cursor ?? 0 }
    },

    async applyRollups({ from, to, batch }) {
      const applied = await db.tx(async (q) => {
        // The compare-and-set takes the cursor row's lock until commit: a second instance's
        // update waits, then finds the cursor moved and applies nothing.
        // A missing cursor row (an emptied table) is cursor 0; of two inserting it, one wins.
        let moved = await q.query(`UPDATE ${s}.rollup_cursor SET cursor = $1 WHERE id = 1 AND cursor = $2`, [
          to,
          from,
        ])
        if (moved.rowCount === 0 && from === 0)
          moved = await q.query(
            `INSERT INTO ${s}.rollup_cursor (id, cursor) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`,
            [to],
          )
        if (moved.rowCount !== 1) return false
        if (batch.counts.length)
          await q.query(
            `INSERT INTO ${s}.rollup_counts (dim, day, metric, key, value)
             SELECT x->>'dim', x->>'day', x->>'metric', x->>'key', (x->>'value')::bigint
             FROM jsonb_array_elements($1::jsonb) AS x
             ON CONFLICT (dim, day, metric, key) DO UPDATE SET value = rollup_counts.value + excluded.value`,
            [JSON.stringify(batch.counts)],
          )
        if (batch.people.length)
          await q.query(
            `INSERT INTO ${s}.rollup_people (step, day, key, person)
             SELECT x->>'step', x->>'day', x->>'key', x->>'person' FROM jsonb_array_elements($1::jsonb) AS x
             ON CONFLICT DO NOTHING`,
            [JSON.stringify(batch.people)],
          )
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

    async sumRollups({ fromDay, toDay, metrics, dim, byDay }) {
      const p = new Params()
      const where = `dim = ${p.add(dim)} AND day BETWEEN ${p.add(fromDay)} AND ${p.add(toDay)} AND ${metricFilter(p, metrics)}`
      const { rows } = await db.query<{ day: string | null; metric: string; key: string; value: number }>(
        `SELECT ${byDay ? 'day' : 'NULL::text AS day'}, metric, key, SUM(value)::bigint AS value
         FROM ${s}.rollup_counts WHERE ${where} GROUP BY ${byDay ? 'day, ' : ''}metric, key`,
        p.values,
      )
      return rows
    },

    async countRollupPeople({ fromDay, toDay, steps, byKey }) {
      if (steps.length === 0) return []
      const { rows } = await db.query<{ step: string; key: string | null; people: number }>(
        `SELECT step, ${byKey ? 'key' : 'NULL::text AS key'}, COUNT(DISTINCT person)::bigint AS people
         FROM ${s}.rollup_people WHERE step = ANY($1::text[]) AND day BETWEEN $2 AND $3
         GROUP BY step${byKey ? ', key' : ''}`,
        [steps, fromDay, toDay],
      )
      return rows
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
