import type { RollupBatch, RollupStorage } from '@loopkit/core'
import { type Db, guard } from './_internal/db.js'

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

export function rollupOps(db: Db): RollupStorage {
  const apply = db.tx((from: number, to: number, batch: RollupBatch): boolean => {
    // A missing cursor row (an emptied table) is cursor 0.
    let moved = db.q('UPDATE rollup_cursor SET cursor = ? WHERE id = 1 AND cursor = ?').run(to, from)
    if (moved.changes === 0 && from === 0)
      moved = db.q('INSERT INTO rollup_cursor (id, cursor) VALUES (1, ?) ON CONFLICT (id) DO NOTHING').run(to)
    if (moved.changes !== 1) return false
    const count = db.q(
      `INSERT INTO rollup_counts (dim, day, metric, key, value) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (dim, day, metric, key) DO UPDATE SET value = value + excluded.value`,
    )
    for (const c of batch.counts) count.run(c.dim, c.day, c.metric, c.key, c.value)
    const seen = db.q('INSERT OR IGNORE INTO rollup_people (step, day, key, person) VALUES (?, ?, ?, ?)')
    for (const p of batch.people) seen.run(p.step, p.day, p.key, p.person)
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

  return {
    async rollupCursor() {
      return guard(() => ({
        cursor:
          (db.q('SELECT cursor FROM rollup_cursor WHERE id = 1').get() as { cursor: number } | undefined)
            ?.cursor ?? 0,
      }))
    },
    async applyRollups({ from, to, batch }) {
      return { applied: await apply(from, to, batch) }
    },
    async sumRollups({ fromDay, toDay, metrics, dim, byDay }) {
      return guard(() => {
        const f = metricFilter(metrics)
        const day = byDay ? 'day' : 'NULL'
        const sql = `SELECT ${day} AS day, metric, key, SUM(value) AS value FROM rollup_counts
          WHERE dim = ? AND day BETWEEN ? AND ? AND ${f.sql}
          GROUP BY ${byDay ? 'day, ' : ''}metric, key`
        return db.q(sql).all(dim, fromDay, toDay, ...f.params) as Awaited<
          ReturnType<RollupStorage['sumRollups']>
        >
      })
    },
    async countRollupPeople({ fromDay, toDay, steps, byKey }) {
      return guard(() => {
        if (steps.length === 0) return []
        const key = byKey ? 'key' : 'NULL'
        const sql = `SELECT step, ${key} AS key, COUNT(DISTINCT person) AS people FROM rollup_people
          WHERE step IN (${steps.map(() => '?').join(', ')}) AND day BETWEEN ? AND ?
          GROUP BY step${byKey ? ', key' : ''}`
        return db.q(sql).all(...steps, fromDay, toDay) as Awaited<
          ReturnType<RollupStorage['countRollupPeople']>
        >
      })
    },
    async rollupCohorts({ fromMonth, toMonth }) {
      return guard(
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
