import type { RollupPresence } from '@loopkit/core'
import type { Db } from './_internal/db.js'

/**
 * Records presence rows and keeps the distinct-people aggregates they feed (see migration 10):
 * for a new `(step, key, person, day)` it finds the person's previous and next day at the step,
 * moves the next day's reach row from the previous day to this one (or, without a next day, moves
 * the person's last day here), and counts a person new to the step. A row already present changes
 * nothing. Runs inside the apply transaction.
 */
export function presenceWriter(db: Db) {
  const insert = db.q('INSERT OR IGNORE INTO rollup_seen (step, key, person, day) VALUES (?, ?, ?, ?)')
  const prev = db.q(
    'SELECT MAX(day) AS day FROM rollup_seen WHERE step = ? AND key = ? AND person = ? AND day < ?',
  )
  const next = db.q(
    'SELECT MIN(day) AS day FROM rollup_seen WHERE step = ? AND key = ? AND person = ? AND day > ?',
  )
  const reach = db.q(
    `INSERT INTO rollup_reach (step, day, key, prev, people) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (step, day, key, prev) DO UPDATE SET people = people + excluded.people`,
  )
  const last = db.q(
    `INSERT INTO rollup_last (step, day, key, people) VALUES (?, ?, ?, ?)
     ON CONFLICT (step, day, key) DO UPDATE SET people = people + excluded.people`,
  )
  const total = db.q(
    `INSERT INTO rollup_people_total (step, key, people) VALUES (?, ?, 1)
     ON CONFLICT (step, key) DO UPDATE SET people = people + 1`,
  )
  const one = (step: string, key: string, person: string, day: string) => {
    if (insert.run(step, key, person, day).changes === 0) return
    const before = (prev.get(step, key, person, day) as { day: string | null }).day ?? ''
    const after = (next.get(step, key, person, day) as { day: string | null }).day
    reach.run(step, day, key, before, 1)
    if (after) {
      reach.run(step, after, key, before, -1)
      reach.run(step, after, key, day, 1)
    } else {
      if (before) last.run(step, before, key, -1)
      last.run(step, day, key, 1)
    }
    if (!before && !after) total.run(step, key)
  }
  return (p: RollupPresence) => {
    one(p.step, p.key, p.person, p.day)
    // Key '' also counts every keyed row, so "distinct across keys" is read like any other step.
    if (p.key !== '') one(p.step, '', p.person, p.day)
  }
}
