import type { Notification, StorageAdapter } from '@loopkit/core'
import { notificationCols } from './_internal/columns.js'
import type { Db } from './_internal/db.js'
import { whereBuilder } from './_internal/db.js'
import { writeEffects } from './_internal/effects.js'

type Ops = Pick<
  StorageAdapter,
  'enqueueNotifications' | 'claimNotifications' | 'completeNotification' | 'listNotifications'
>

export function outboxOps(db: Db): Ops {
  const { s } = db
  return {
    async enqueueNotifications({ notifications, now }) {
      if (notifications.length === 0) return { inserted: 0 }
      return db.tx((q) => writeEffects(q, db, { effects: { outbox: notifications }, now }))
    },

    async claimNotifications({ now, limit, leaseMs, leaseToken }) {
      // SKIP LOCKED: dispatchers on other machines pass over rows being claimed right now instead
      // of queueing behind them; a row claimed and committed meanwhile fails the re-check of
      // `lease_until` on its new version, so no two claims return the same row.
      const { rows } = await db.query<Notification>(
        `WITH due AS (
           SELECT id FROM ${s}.notifications
           WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
           ORDER BY next_attempt_at, seq
           LIMIT $2
           FOR UPDATE SKIP LOCKED
         )
         UPDATE ${s}.notifications n
         SET lease_token = $3, lease_until = $1::bigint + $4::bigint, attempts = n.attempts + 1, updated_at = $1
         FROM due WHERE n.id = due.id
         RETURNING ${notificationCols('n.')}`,
        [now, limit, leaseToken, leaseMs],
      )
      return rows.sort((a, b) => a.nextAttemptAt - b.nextAttemptAt)
    },

    async completeNotification({ id, leaseToken, outcome, now, effects }) {
      return db.tx(async (q) => {
        const sent = outcome.status === 'sent'
        const { rowCount } = await q.query(
          `UPDATE ${s}.notifications SET
             status = $3,
             provider_message_id = CASE WHEN $4 THEN $5 ELSE provider_message_id END,
             last_error = CASE WHEN $4 THEN last_error ELSE $6 END,
             next_attempt_at = coalesce($7::bigint, next_attempt_at),
             lease_token = NULL, lease_until = NULL, updated_at = $8
           WHERE id = $1 AND lease_token = $2 AND status = 'pending'`,
          [
            id,
            leaseToken,
            outcome.status === 'retry' ? 'pending' : outcome.status,
            sent,
            sent ? outcome.providerMessageId : null,
            sent ? null : outcome.error,
            outcome.status === 'retry' ? outcome.nextAttemptAt : null,
            now,
          ],
        )
        if (rowCount === 0) return { changed: false }
        await writeEffects(q, db, { effects, now })
        return { changed: true }
      })
    },

    async listNotifications({ customerId, status, limit }) {
      const values: unknown[] = []
      const where = whereBuilder(values)
      if (customerId !== undefined) where.add('customer_id = $?', customerId)
      if (status !== undefined) where.add('status = $?', status)
      values.push(limit)
      const { rows } = await db.query<Notification>(
        `SELECT ${notificationCols()} FROM ${s}.notifications ${where} ORDER BY seq LIMIT $${values.length}`,
        values,
      )
      return rows
    },
  }
}
