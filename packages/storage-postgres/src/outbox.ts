import type { Notification, NotificationCompletion, StorageAdapter } from '@loopkit/core'
import { notificationCols } from './_internal/columns.js'
import type { Db, Queryable } from './_internal/db.js'
import { whereBuilder } from './_internal/db.js'
import { effectsCtes, eventsLockKey, Params, withEffects, writeEffects } from './_internal/effects.js'

type Ops = Pick<
  StorageAdapter,
  | 'enqueueNotifications'
  | 'claimNotifications'
  | 'completeNotification'
  | 'completeNotifications'
  | 'listNotifications'
  | 'reserveSend'
  | 'releaseSend'
>

export function outboxOps(db: Db): Ops {
  const { s } = db
  const ops: Omit<Ops, 'listNotifications'> = {
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
      const done = `done AS (${completeSql(s, p, [{ id, outcome }], leaseToken, now)})`
      const fx = effectsCtes(p, db, { effects, now, when: 'EXISTS (SELECT 1 FROM done)' })
      const { rows } = await db.query<{ changed: boolean }>(
        `${withEffects(done, fx)} SELECT EXISTS (SELECT 1 FROM done) AS changed`,
        p.values,
      )
      return { changed: rows[0]!.changed }
    },

    async completeNotifications({ leaseToken, completions, now }) {
      if (completions.length === 0) return { changed: [] }
      const outbox = completions.some((c) => c.outbox?.length)
      if (!outbox) return completeMany(db, leaseToken, completions, now)
      // A fallback row is written in the same transaction as the outcome of the row it replaces.
      return db.tx(async (q) => {
        const result = await completeMany(q, leaseToken, completions, now)
        const changed = new Set(result.changed)
        const rows = completions.flatMap((c) => (changed.has(c.id) ? (c.outbox ?? []) : []))
        await writeEffects(q, db, { effects: { outbox: rows }, now })
        return result
      })
    },

    async reserveSend({ key, customerId, class: cls, caps, now }) {
      // One transaction holding a per-customer-and-class lock: concurrent dispatchers on any
      // number of machines reserve one at a time, so a cap cannot be exceeded.
      return db.tx(async (q) => {
        await q.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
          `${db.schema}:send:${customerId}:${cls}`,
        ])
        const seen = await q.query(`SELECT 1 FROM ${s}.send_ledger WHERE key = $1`, [key])
        if (seen.rows.length > 0) return { ok: true }
        for (const cap of caps) {
          const { rows } = await q.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM ${s}.send_ledger WHERE customer_id = $1 AND class = $2 AND at > $3`,
            [customerId, cls, now - cap.windowMs],
          )
          if (rows[0]!.n >= cap.max) return { ok: false }
        }
        await q.query(`INSERT INTO ${s}.send_ledger (key, customer_id, class, at) VALUES ($1, $2, $3, $4)`, [
          key,
          customerId,
          cls,
          now,
        ])
        return { ok: true }
      })
    },
    async releaseSend({ key }) {
      await db.query(`DELETE FROM ${s}.send_ledger WHERE key = $1`, [key])
    },
  }
  async function completeMany(
    q: Queryable,
    leaseToken: string,
    completions: readonly NotificationCompletion[],
    now: number,
  ): Promise<{ changed: string[] }> {
    // One statement for the whole batch: each row's events are written only if that row changed.
    const p = new Params()
    const events = completions.flatMap((c) =>
      (c.events ?? []).map((e) => ({
        forId: c.id,
        id: e.id,
        type: e.type,
        at: e.at,
        customerId: e.customerId ?? null,
        orderId: e.orderId ?? null,
        data: e.data,
      })),
    )
    const done = completeSql(s, p, completions, leaseToken, now)
    const ev = p.add(JSON.stringify(events))
    // The shared events lock, as every event writer takes it (see `effectsCtes`).
    const { rows } = await q.query<{ id: string }>(
      `WITH done AS (${done}),
         lk AS MATERIALIZED (
           SELECT pg_advisory_xact_lock_shared(hashtextextended(${p.add(eventsLockKey(db.schema))}, 0))
           FROM (SELECT count(*) FROM done) AS c
           WHERE jsonb_array_length(${ev}::jsonb) > 0 AND EXISTS (SELECT 1 FROM done)
         ),
         ev AS (
           INSERT INTO ${s}.events (id, type, at, customer_id, order_id, data)
           SELECT x->>'id', x->>'type', (x->>'at')::bigint, x->>'customerId', x->>'orderId', coalesce(x->'data', '{}')
           FROM lk, jsonb_array_elements(${ev}::jsonb) WITH ORDINALITY AS t(x, i)
           WHERE x->>'forId' IN (SELECT id FROM done)
           ORDER BY i
         )
         SELECT id FROM done`,
      p.values,
    )
    return { changed: rows.map((r) => r.id) }
  }
  return {
    ...ops,
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

/**
 * The UPDATE that ends the leases `leaseToken` still holds, one outcome per row, `RETURNING id`
 * of the rows it changed. A `release` gives back the attempt its claim counted.
 */
function completeSql(
  s: string,
  p: Params,
  rows: readonly NotificationCompletion[],
  leaseToken: string,
  now: number,
): string {
  const input = rows.map(({ id, outcome: o }) => ({
    id,
    status: o.status,
    providerMessageId: o.status === 'sent' ? o.providerMessageId : null,
    error: o.status === 'retry' || o.status === 'dead' ? o.error : null,
    decision: o.decision ?? null,
    nextAttemptAt: o.status === 'retry' || o.status === 'release' ? o.nextAttemptAt : null,
  }))
  return `UPDATE ${s}.notifications n SET
      status = CASE WHEN x.status IN ('sent', 'dead', 'skipped') THEN x.status ELSE 'pending' END,
      decision = coalesce(x.decision, n.decision),
      provider_message_id = CASE WHEN x.status = 'sent' THEN x."providerMessageId" ELSE n.provider_message_id END,
      last_error = CASE WHEN x.status IN ('retry', 'dead') THEN x.error ELSE n.last_error END,
      next_attempt_at = coalesce(x."nextAttemptAt", n.next_attempt_at),
      attempts = CASE WHEN x.status = 'release' THEN greatest(n.attempts - 1, 0) ELSE n.attempts END,
      lease_token = NULL, lease_until = NULL, updated_at = ${p.add(now)}::bigint
    FROM jsonb_to_recordset(${p.add(JSON.stringify(input))}::jsonb)
      AS x(id text, status text, "providerMessageId" text, error text, "nextAttemptAt" bigint, decision text)
    WHERE n.id = x.id AND n.lease_token = ${p.add(leaseToken)} AND n.status = 'pending'
    RETURNING n.id`
}
