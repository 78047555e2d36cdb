import { type RollupBatch, type RollupPeople, type RollupStorage, rollupWindowSide } from '@loopkit/core'
import type { Db } from './_internal/db.js'
import { presenceWriter } from './rollup-people.js'
import { rankKeys } from './rollup-rank.js'

/** A SQL condition on `metric` for the wanted metrics (`*` all, `prefix:*` a prefix), and its params. */
export function metricFilter(metrics: readonly string[]): { sql: string; params: string[] } {
  if (metrics.includes('*')) return { sql: '1', params: [] }
  const parts: string[] = []
  const params: string[] = []
  for (const m of metrics) {
    if (m.endsWith(':*')) {
      parts.push('substr(metric, 1, ?) = ?')
      params.push(String(m.length - 1), m.slice(0, -1))
    } else {
      parts.push('metric = ?')
      params.push(m)
    }
  }
  return { sql: parts.length ? `(${parts.join(' OR ')})` : '0', params }
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
 * People who reached each step in `[a, b]`, read from inside the window (reach rows of days a..b
 * whose previous day is before a) or from outside it (everyone, less those last seen before a,
 * less reach rows after b whose previous day is before a). `scope` picks the per-key or the
 * across-keys rows.
 */
function peopleSql(side: 'inside' | 'outside', steps: number, scope: string): string {
  const inSteps = `step IN (${Array.from({ length: steps }, () => '?').join(', ')})`
  if (side === 'inside')
    return `SELECT step, key, SUM(people) AS people FROM rollup_reach
      WHERE ${inSteps} AND day BETWEEN @a AND @b AND ${scope} AND prev < @a
      GROUP BY step, key HAVING SUM(people) > 0`
  return `SELECT step, key, SUM(n) AS people FROM (
      SELECT step, key, people AS n FROM rollup_people_total WHERE ${inSteps} AND ${scope}
      UNION ALL SELECT step, key, -people FROM rollup_last WHERE ${inSteps} AND day < @a AND ${scope}
      UNION ALL SELECT step, key, -people FROM rollup_reach WHERE ${inSteps} AND day > @b AND ${scope} AND prev < @a
    ) GROUP BY step, key HAVING SUM(n) > 0`
}

export function rollupOps(db: Db): RollupStorage {
  const seen = presenceWriter(db)
  const apply = db.tx((from: number, to: number, batch: RollupBatch): boolean => {
    const days = batchDays(batch)
    // A missing cursor row (an emptied table) is cursor 0.
    let moved = db
      .q(
        `UPDATE rollup_cursor SET cursor = @to,
           first_day = MIN(COALESCE(first_day, @first), COALESCE(@first, first_day)),
           last_day = MAX(COALESCE(last_day, @last), COALESCE(@last, last_day))
         WHERE id = 1 AND cursor = @from`,
      )
      .run({ to, from, first: days?.first ?? null, last: days?.last ?? null })
    if (moved.changes === 0 && from === 0)
      moved = db
        .q(
          `INSERT INTO rollup_cursor (id, cursor, first_day, last_day) VALUES (1, ?, ?, ?)
           ON CONFLICT (id) DO NOTHING`,
        )
        .run(to, days?.first ?? null, days?.last ?? null)
    if (moved.changes !== 1) return false
    const count = db.q(
      `INSERT INTO rollup_counts (dim, day, metric, key, value) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (dim, day, metric, key) DO UPDATE SET value = value + excluded.value`,
    )
    const total = db.q(
      `INSERT INTO rollup_totals (dim, metric, key, value) VALUES (?, ?, ?, ?)
       ON CONFLICT (dim, metric, key) DO UPDATE SET value = value + excluded.value`,
    )
    for (const c of batch.counts) {
      count.run(c.dim, c.day, c.metric, c.key, c.value)
      total.run(c.dim, c.metric, c.key, c.value)
    }
    seen(batch.people)
    // Keeps the two earliest paid orders, whatever order they arrive in (SET sees the old row).
    const buyer = db.q(
      `INSERT INTO rollup_buyers (customer_id, orders, first_at, month, second_at) VALUES (?, 1, ?, ?, NULL)
       ON CONFLICT (customer_id) DO UPDATE SET
         second_at = CASE WHEN excluded.first_at < first_at THEN first_at
                          WHEN second_at IS NULL OR excluded.first_at < second_at THEN excluded.first_at
                          ELSE second_at END,
         month = CASE WHEN excluded.first_at < first_at THEN excluded.month ELSE month END,
         first_at = MIN(first_at, excluded.first_at),
         orders = orders + 1`,
    )
    for (const p of batch.purchases) buyer.run(p.customerId, p.at, p.month)
    return true
  })
  const range = () =>
    (db.q('SELECT first_day AS firstDay, last_day AS lastDay FROM rollup_cursor WHERE id = 1').get() as
      | { firstDay: string | null; lastDay: string | null }
      | undefined) ?? { firstDay: null, lastDay: null }
  const people = (a: string, b: string, steps: string[], byKey: boolean): RollupPeople[] => {
    // Without a key a day holds a row per earlier day people were last seen on: weigh it so.
    const side = rollupWindowSide({ fromDay: a, toDay: b, ...range(), density: byKey ? 1 : 8 })
    const sql = peopleSql(side, steps.length, byKey ? "key <> ''" : "key = ''")
    const rows = db.q(sql).all(...(side === 'inside' ? [steps] : [steps, steps, steps]).flat(), {
      a,
      b,
    }) as Array<{ step: string; key: string; people: number }>
    return rows.map((r) => ({ step: r.step, key: byKey ? r.key : null, people: r.people }))
  }

  return {
    async rollupCursor() {
      return db.read(() => ({
        cursor:
          (db.q('SELECT cursor FROM rollup_cursor WHERE id = 1').get() as { cursor: number } | undefined)
            ?.cursor ?? 0,
      }))
    },
    async applyRollups({ from, to, batch }) {
      return { applied: await apply(from, to, batch) }
    },
    async sumRollups({ fromDay, toDay, metrics, dim, byDay, keys }) {
      return db.read(() => {
        type Row = Awaited<ReturnType<RollupStorage['sumRollups']>>[number]
        const f = metricFilter(metrics)
        const k = keys ? `key IN (${keys.map(() => '?').join(', ')})` : '1'
        const rest = [...f.params, ...(keys ?? [])]
        const where = `${f.sql} AND ${k}`
        // A few keys: their rows through the key indexes, not every key's rows of the days.
        const counts = keys ? 'rollup_counts INDEXED BY rollup_counts_by_key' : 'rollup_counts'
        const totals = keys ? 'rollup_totals INDEXED BY rollup_totals_by_key' : 'rollup_totals'
        if (byDay)
          return db
            .q(
              `SELECT day, metric, key, SUM(value) AS value FROM rollup_counts
               WHERE dim = ? AND day BETWEEN ? AND ? AND ${where} GROUP BY day, metric, key`,
            )
            .all(dim, fromDay, toDay, ...rest) as Row[]
        const side = rollupWindowSide({ fromDay, toDay, ...range() })
        if (side === 'inside')
          return db
            .q(
              `SELECT NULL AS day, metric, key, SUM(value) AS value FROM ${counts}
               WHERE dim = ? AND day BETWEEN ? AND ? AND ${where} GROUP BY metric, key HAVING SUM(value) <> 0`,
            )
            .all(dim, fromDay, toDay, ...rest) as Row[]
        // All time less the days before and after the window.
        return db
          .q(
            `SELECT NULL AS day, metric, key, SUM(value) AS value FROM (
               SELECT metric, key, value FROM ${totals} WHERE dim = ? AND ${where}
               UNION ALL SELECT metric, key, -value FROM ${counts} WHERE dim = ? AND day < ? AND ${where}
               UNION ALL SELECT metric, key, -value FROM ${counts} WHERE dim = ? AND day > ? AND ${where}
             ) GROUP BY metric, key HAVING SUM(value) <> 0`,
          )
          .all(dim, ...rest, dim, fromDay, ...rest, dim, toDay, ...rest) as Row[]
      })
    },
    async topRollupKeys({ fromDay, toDay, step, dim, metric, limit }) {
      return db.read(() => {
        const span = { fromDay, toDay, ...range() }
        const side = rollupWindowSide(span)
        return rankKeys(
          db,
          {
            people: peopleSql(side, 1, "key <> ''"),
            peopleParams: side === 'inside' ? [step] : [step, step, step],
            counter: rollupWindowSide(span),
            a: fromDay,
            b: toDay,
          },
          { dim, metric, limit },
        )
      })
    },
    async countRollupPeople({ fromDay, toDay, steps, byKey }) {
      return db.read(() => {
        if (steps.length === 0) return []
        if (!byKey) return people(fromDay, toDay, steps, false)
        const keyed = people(fromDay, toDay, steps, true)
        // A step counted without keys has one row, under key ''.
        const rest = steps.filter((s) => !keyed.some((r) => r.step === s))
        const plain = rest.length ? people(fromDay, toDay, rest, false) : []
        return [...keyed, ...plain.map((r) => ({ ...r, key: '' }))]
      })
    },
    async rollupCohorts({ fromMonth, toMonth }) {
      return db.read(
        () =>
          db
            .q(
              `SELECT month, COUNT(*) AS buyers, COUNT(second_at) AS repeaters,
                 COALESCE(SUM(second_at - first_at), 0) AS secondOrderMs
               FROM rollup_buyers WHERE month BETWEEN ? AND ? GROUP BY month ORDER BY month`,
            )
            .all(fromMonth, toMonth) as Awaited<ReturnType<RollupStorage['rollupCohorts']>>,
      )
    },
  }
}
