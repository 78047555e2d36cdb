import type { RollupPresence } from '@loopkit/core'
import type { Db } from './_internal/db.js'

/**
 * Records presence rows and keeps the distinct-people aggregates they feed (see migration 10):
 * for a new `(step, key, person, day)` it finds the person's previous and next day at the step,
 * moves the next day's reach row from the previous day to this one (or, without a next day, moves
 * the person's last day here), and counts a person new to the step. A row already present changes
 * nothing. The aggregate changes of a batch are summed first and written once per row (a batch's
 * people are mostly seen on the same day). Runs inside the apply transaction.
 */
export function presenceWriter(db: Db) {
  const insert = db.q('INSERT OR IGNORE INTO rollup_seen (step, key, person, day) VALUES (?, ?, ?, ?)')
  const around = db.q(
    `SELECT
       (SELECT MAX(day) FROM rollup_seen WHERE step = @step AND key = @key AND person = @person AND day < @day) AS prev,
       (SELECT MIN(day) FROM rollup_seen WHERE step = @step AND key = @key AND person = @person AND day > @day) AS next`,
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
    `INSERT INTO rollup_people_total (step, key, people) VALUES (?, ?, ?)
     ON CONFLICT (step, key) DO UPDATE SET people = people + excluded.people`,
  )
  return (people: readonly RollupPresence[]) => {
    const reaches = new Map<string, [string, string, string, string, number]>()
    const lasts = new Map<string, [string, string, string, number]>()
    const totals = new Map<string, [string, string, number]>()
    const bump = <T extends unknown[]>(m: Map<string, [...T, number]>, row: T, by: number) => {
      const id = row.join('\u0000')
      const had = m.get(id)
      if (had) (had[had.length - 1] as number) += by
      else m.set(id, [...row, by])
    }
    const one = (step: string, key: string, person: string, day: string) => {
      if (insert.run(step, key, person, day).changes === 0) return
      const near = around.get({ step, key, person, day }) as { prev: string | null; next: string | null }
      const prev = near.prev ?? ''
      bump(reaches, [step, day, key, prev], 1)
      if (near.next) {
        bump(reaches, [step, near.next, key, prev], -1)
        bump(reaches, [step, near.next, key, day], 1)
      } else {
        if (prev) bump(lasts, [step, prev, key], -1)
        bump(lasts, [step, day, key], 1)
      }
      if (!prev && !near.next) bump(totals, [step, key], 1)
    }
    for (const p of people) {
      one(p.step, p.key, p.person, p.day)
      // Key '' also counts every keyed row, so "distinct across keys" is read like any other step.
      if (p.key !== '') one(p.step, '', p.person, p.day)
    }
    for (const r of reaches.values()) if (r[4] !== 0) reach.run(...r)
    for (const r of lasts.values()) if (r[3] !== 0) last.run(...r)
    for (const r of totals.values()) total.run(...r)
  }
}
