import type { Effects, NewEvent, NewNotification } from '@loopkit/core'
import type { Db } from './db.js'

const INSERT_EVENT = `INSERT INTO events (id, type, at, customer_id, order_id, data) VALUES (?, ?, ?, ?, ?, ?)`
// OR IGNORE skips a row whose id or dedupe_key exists: a replayed change never queues a second message.
const INSERT_NOTIFICATION = `INSERT OR IGNORE INTO notifications
  (id, dedupe_key, channel, customer_id, message, status, attempts, next_attempt_at, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)`

export function insertEvents(db: Db, events: readonly NewEvent[]): void {
  const stmt = db.q(INSERT_EVENT)
  for (const e of events) stmt.run(e.id, e.type, e.at, e.customerId, e.orderId, JSON.stringify(e.data))
}

export function insertNotifications(db: Db, rows: readonly NewNotification[], now: number): number {
  const stmt = db.q(INSERT_NOTIFICATION)
  let inserted = 0
  for (const n of rows) {
    const at = n.nextAttemptAt ?? now
    inserted += stmt.run(
      n.id,
      n.dedupeKey,
      n.channel,
      n.customerId,
      JSON.stringify(n.message),
      at,
      now,
      now,
    ).changes
  }
  return inserted
}

/** Writes a change's events and outbox rows; call it inside the change's transaction. */
export function writeEffects(db: Db, effects: Effects | undefined, now: number): void {
  if (!effects) return
  if (effects.events?.length) insertEvents(db, effects.events)
  if (effects.outbox?.length) insertNotifications(db, effects.outbox, now)
}
