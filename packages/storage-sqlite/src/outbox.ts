import type { NotificationOutcome, StorageAdapter } from '@loopkit/core'
import type { Db } from './_internal/db.js'
import { insertNotifications, writeEffects } from './_internal/effects.js'
import { type NotificationRow, toNotification } from './_internal/rows.js'

type OutboxOps = Pick<
  StorageAdapter,
  | 'enqueueNotifications'
  | 'claimNotifications'
  | 'completeNotification'
  | 'completeNotifications'
  | 'listNotifications'
  | 'reserveSend'
  | 'releaseSend'
>

// Select and lease in one statement inside the write lock: no second claimer can see these rows
// between the read and the write. A claim counts as an attempt. Ordering by the index column
// alone lets LIMIT stop early instead of sorting a whole backlog.
const CLAIM = `UPDATE notifications
  SET lease_until = @now + @leaseMs, lease_token = @leaseToken, attempts = attempts + 1, updated_at = @now
  WHERE id IN (
    SELECT id FROM notifications
    WHERE status = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
    ORDER BY next_attempt_at
    LIMIT @limit
  )
  RETURNING *`

export function outboxOps(db: Db): OutboxOps {
  const enqueue = db.tx((input: Parameters<StorageAdapter['enqueueNotifications']>[0]) => ({
    inserted: insertNotifications(db, input.notifications, input.now),
  }))

  const claim = db.tx((input: Parameters<StorageAdapter['claimNotifications']>[0]) => {
    const rows = db.q(CLAIM).all({
      now: input.now,
      limit: Math.max(0, input.limit),
      leaseMs: input.leaseMs,
      leaseToken: input.leaseToken,
    }) as NotificationRow[]
    return rows
      .sort(
        (a, b) =>
          a.next_attempt_at - b.next_attempt_at || a.created_at - b.created_at || (a.id < b.id ? -1 : 1),
      )
      .map(toNotification)
  })

  // Applies one outcome if `leaseToken` still holds the row; returns whether it did.
  const apply = (id: string, leaseToken: string, outcome: NotificationOutcome, now: number): boolean => {
    const owned = `WHERE id = ? AND lease_token = ? AND status = 'pending'`
    const clear = 'lease_token = NULL, lease_until = NULL, updated_at = ?'
    const changed = applyOutcomeFor(id, leaseToken, outcome, now)(owned, clear)
    if (changed && outcome.decision !== undefined)
      db.q('UPDATE notifications SET decision = ? WHERE id = ?').run(outcome.decision, id)
    return changed
  }
  const applyOutcomeFor =
    (id: string, leaseToken: string, outcome: NotificationOutcome, now: number) =>
    (owned: string, clear: string): boolean => {
      switch (outcome.status) {
        case 'skipped':
          return (
            db.q(`UPDATE notifications SET status = 'skipped', ${clear} ${owned}`).run(now, id, leaseToken)
              .changes > 0
          )
        case 'sent':
          return (
            db
              .q(`UPDATE notifications SET status = 'sent', provider_message_id = ?, ${clear} ${owned}`)
              .run(outcome.providerMessageId, now, id, leaseToken).changes > 0
          )
        case 'dead':
          return (
            db
              .q(`UPDATE notifications SET status = 'dead', last_error = ?, ${clear} ${owned}`)
              .run(outcome.error, now, id, leaseToken).changes > 0
          )
        case 'retry':
          return (
            db
              .q(`UPDATE notifications SET last_error = ?, next_attempt_at = ?, ${clear} ${owned}`)
              .run(outcome.error, outcome.nextAttemptAt, now, id, leaseToken).changes > 0
          )
        case 'release':
          // Never attempted: the claim's attempt is given back.
          return (
            db
              .q(
                `UPDATE notifications SET attempts = max(attempts - 1, 0), next_attempt_at = ?, ${clear} ${owned}`,
              )
              .run(outcome.nextAttemptAt, now, id, leaseToken).changes > 0
          )
      }
    }

  const complete = db.tx((input: Parameters<StorageAdapter['completeNotification']>[0]) => {
    if (!apply(input.id, input.leaseToken, input.outcome, input.now)) return { changed: false }
    writeEffects(db, input.effects, input.now)
    return { changed: true }
  })

  const completeMany = db.tx((input: Parameters<StorageAdapter['completeNotifications']>[0]) => {
    const changed: string[] = []
    for (const c of input.completions) {
      if (!apply(c.id, input.leaseToken, c.outcome, input.now)) continue
      writeEffects(db, { events: c.events ?? [], outbox: c.outbox ?? [] }, input.now)
      changed.push(c.id)
    }
    return { changed }
  })

  // One write transaction: the check and the insert cannot interleave with another reservation.
  const reserve = db.tx((input: Parameters<NonNullable<StorageAdapter['reserveSend']>>[0]) => {
    if (db.q('SELECT 1 FROM send_ledger WHERE key = ?').get(input.key)) return { ok: true }
    for (const cap of input.caps) {
      const { n } = db
        .q('SELECT count(*) AS n FROM send_ledger WHERE customer_id = ? AND class = ? AND at > ?')
        .get(input.customerId, input.class, input.now - cap.windowMs) as { n: number }
      if (n >= cap.max) return { ok: false }
    }
    db.q('INSERT INTO send_ledger (key, customer_id, class, at) VALUES (?, ?, ?, ?)').run(
      input.key,
      input.customerId,
      input.class,
      input.now,
    )
    return { ok: true }
  })

  return {
    async reserveSend(input) {
      return reserve(input)
    },
    async releaseSend({ key }) {
      db.q('DELETE FROM send_ledger WHERE key = ?').run(key)
    },
    async enqueueNotifications(input) {
      return enqueue(input)
    },
    async claimNotifications(input) {
      return claim(input)
    },
    async completeNotification(input) {
      return complete(input)
    },
    async completeNotifications(input) {
      if (input.completions.length === 0) return { changed: [] }
      return completeMany(input)
    },
    async listNotifications({ customerId, status, limit }) {
      return db.read(() => {
        const where: string[] = []
        const params: unknown[] = []
        if (customerId !== undefined) {
          where.push('customer_id = ?')
          params.push(customerId)
        }
        if (status !== undefined) {
          where.push('status = ?')
          params.push(status)
        }
        const sql = `SELECT * FROM notifications ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id LIMIT ?`
        return (db.q(sql).all(...params, Math.max(0, limit)) as NotificationRow[]).map(toNotification)
      })
    },
  }
}
