import type { Order, Payment, StorageAdapter } from '@loopkit/core'
import { orderCols, paymentCols } from './_internal/columns.js'
import type { Db } from './_internal/db.js'
import { effectsCtes, Params, withEffects } from './_internal/effects.js'

type Ops = Pick<StorageAdapter, 'savePayment' | 'listPayments' | 'recordWebhook' | 'markPaid'>

export function paymentOps(db: Db): Ops {
  const { s } = db
  const upsertPayment = `INSERT INTO ${s}.payments AS p
      (id, order_id, provider, provider_ref, amount, currency, status, created_at, updated_at)`
  const onConflict = `ON CONFLICT (id) DO UPDATE SET provider_ref = excluded.provider_ref, amount = excluded.amount,
      currency = excluded.currency, status = excluded.status, updated_at = excluded.updated_at`

  return {
    async savePayment({ payment: p }) {
      const { rows } = await db.query<Payment>(
        `${upsertPayment} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ${onConflict} RETURNING ${paymentCols('p.')}`,
        [
          p.id,
          p.orderId,
          p.provider,
          p.providerRef,
          p.amount,
          p.currency,
          p.status,
          p.createdAt,
          p.updatedAt,
        ],
      )
      return rows[0]!
    },

    async listPayments({ orderId }) {
      const { rows } = await db.query<Payment>(
        `SELECT ${paymentCols()} FROM ${s}.payments WHERE order_id = $1 ORDER BY seq`,
        [orderId],
      )
      return rows
    },

    async recordWebhook({ delivery, effects }) {
      // The primary key decides: a concurrent duplicate waits for this insert, then does nothing.
      const p = new Params()
      const fx = effectsCtes(p, db, { effects, now: delivery.receivedAt, when: 'EXISTS (SELECT 1 FROM d)' })
      const d = `d AS (
        INSERT INTO ${s}.webhook_deliveries (provider, event_id, received_at)
        VALUES (${p.add(delivery.provider)}, ${p.add(delivery.eventId)}, ${p.add(delivery.receivedAt)})
        ON CONFLICT DO NOTHING RETURNING 1)`
      const { rows } = await db.query<{ first: boolean }>(
        `${withEffects(d, fx)} SELECT EXISTS (SELECT 1 FROM d) AS first`,
        p.values,
      )
      return { first: rows[0]!.first }
    },

    async markPaid({ orderId, delivery, payment: pay, now, effects }) {
      // One statement, so one round trip and atomic without BEGIN/COMMIT: record the delivery,
      // move pending → paid only if the delivery was new, save the payment only if the order
      // moved, and write the effects only if the payment was saved (which orders the CTEs).
      const p = new Params()
      const id = p.add(orderId)
      const has = p.add(delivery !== null)
      const ref = p.add(pay.providerRef)
      const at = p.add(now)
      const ctes = `d AS (
          INSERT INTO ${s}.webhook_deliveries (provider, event_id, received_at)
          SELECT ${p.add(delivery?.provider ?? null)}::text, ${p.add(delivery?.eventId ?? null)}::text,
                 ${p.add(delivery?.receivedAt ?? null)}::bigint
          WHERE ${has}::boolean
          ON CONFLICT DO NOTHING RETURNING 1
        ),
        o AS (
          UPDATE ${s}.orders SET status = 'paid', provider_ref = ${ref}::text, paid_at = ${at}::bigint, updated_at = ${at}::bigint
          WHERE id = ${id} AND status = 'pending' AND (NOT ${has}::boolean OR EXISTS (SELECT 1 FROM d))
          RETURNING *
        ),
        pay AS (
          ${upsertPayment}
          SELECT ${p.add(pay.id)}::text, o.id, ${p.add(pay.provider)}::text, ${ref}::text, ${p.add(pay.amount)}::bigint,
                 ${p.add(pay.currency)}::text, 'succeeded', ${p.add(pay.createdAt)}::bigint, ${at}::bigint
          FROM o
          ${onConflict}
          RETURNING 1
        )`
      const fx = effectsCtes(p, db, { effects, now, when: 'EXISTS (SELECT 1 FROM pay)' })
      const { rows } = await db.query<Order & { recorded: number; moved: boolean }>(
        `${withEffects(ctes, fx)}
         SELECT (SELECT count(*) FROM d)::int AS recorded, o.id IS NOT NULL AS moved, ${orderCols('o.')}
         FROM (SELECT 1) AS one LEFT JOIN o ON true`,
        p.values,
      )
      const { recorded, moved, ...order } = rows[0]!
      if (moved) return { order, changed: true, duplicate: false }
      // Read afresh: a concurrent delivery that won may have committed after this statement began.
      const current = await db.query<Order>(`SELECT ${orderCols()} FROM ${s}.orders WHERE id = $1`, [orderId])
      return {
        order: current.rows[0] ?? null,
        changed: false,
        duplicate: delivery !== null && recorded === 0,
      }
    },
  }
}
