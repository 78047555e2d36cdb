import type { Notification, StorageAdapter } from '@loopkit/core'
import { notificationCols } from './_internal/columns.js'
import type { Db } from './_internal/db.js'
import { whereBuilder } from './_internal/db.js'
import { effectsCtes, Params, withEffects, writeEffects } from './_internal/effects.js'

type Ops = Pick<
  StorageAdapter,
  'enqueueNotifications' | 'claimNotifications' | 'completeNotification' | 'listNotifications'
>

export function outboxOps(db: Db): Ops {
  const { s } = db
  return {
    async enqueueNotifications({ notifications, now }) {
      if (notifications.length === 0) return { inserted: 0 }
      return writeEffects(db, db, { effects: { outbox: notifications }, now })
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
      // Only the lease holder's outcome counts; the outcome and its effects are one statement.
      const p = new Params()
      const sent = p.add(outcome.status === 'sent')
      const done = `done AS (
        UPDATE ${s}.notifications SET
          status = ${p.add(outcome.status === 'retry' ? 'pending' : outcome.status)}::text,
          provider_message_id = CASE WHEN ${sent}::boolean
            THEN ${p.add(outcome.status === 'sent' ? outcome.providerMessageId : null)}::text ELSE provider_message_id END,
          last_error = CASE WHEN ${sent}::boolean
            THEN last_error ELSE ${p.add(outcome.status === 'sent' ? null : outcome.error)}::text END,
          next_attempt_at = coalesce(${p.add(outcome.status === 'retry' ? outcome.nextAttemptAt : null)}::bigint, next_attempt_at),
          lease_token = NULL, lease_until = NULL, updated_at = ${p.add(now)}::bigint
        WHERE id = ${p.add(id)} AND lease_token = ${p.add(leaseToken)} AND status = 'pending'
        RETURNING 1)`
      const fx = effectsCtes(p, db, { effects, now, when: 'EXISTS (SELECT 1 FROM done)' })
      const { rows } = await db.query<{ changed: boolean }>(
        `${withEffects(done, fx)} SELECT EXISTS (SELECT 1 FROM done) AS changed`,
        p.values,
      )
      return { changed: rows[0]!.changed }
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
