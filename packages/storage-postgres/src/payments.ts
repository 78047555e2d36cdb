import type { Order, Payment, StorageAdapter } from '@loopkit/core'
import { orderCols, paymentCols } from './_internal/columns.js'
import type { Db } from './_internal/db.js'
import { writeEffects } from './_internal/effects.js'

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
      return db.tx(async (q) => {
        // The primary key decides: a concurrent duplicate waits for this insert, then does nothing.
        const { rowCount } = await q.query(
          `INSERT INTO ${s}.webhook_deliveries (provider, event_id, received_at) VALUES ($1, $2, $3)
           ON CONFLICT DO NOTHING`,
          [delivery.provider, delivery.eventId, delivery.receivedAt],
        )
        if (rowCount === 0) return { first: false }
        await writeEffects(q, db, { effects, now: delivery.receivedAt })
        return { first: true }
      })
    },

    async markPaid({ orderId, delivery, payment: p, now, effects }) {
      return db.tx(async (q) => {
        // One statement: record the delivery, move pending → paid only if the delivery was new,
        // and save the payment only if the order moved.
        const { rows } = await q.query<Order & { recorded: number; moved: boolean }>(
          `WITH d AS (
             INSERT INTO ${s}.webhook_deliveries (provider, event_id, received_at)
             SELECT $2::text, $3::text, $4::bigint WHERE $5::boolean ON CONFLICT DO NOTHING RETURNING 1
           ),
           o AS (
             UPDATE ${s}.orders SET status = 'paid', provider_ref = $6::text, paid_at = $7::bigint, updated_at = $7::bigint
             WHERE id = $1 AND status = 'pending' AND (NOT $5::boolean OR EXISTS (SELECT 1 FROM d))
             RETURNING *
           ),
           pay AS (
             ${upsertPayment}
             SELECT $8::text, o.id, $9::text, $6::text, $10::bigint, $11::text, 'succeeded', $12::bigint, $7::bigint FROM o
             ${onConflict}
           )
           SELECT (SELECT count(*) FROM d)::int AS recorded, o.id IS NOT NULL AS moved, ${orderCols('o.')}
           FROM (SELECT 1) AS one LEFT JOIN o ON true`,
          [
            orderId,
            delivery?.provider ?? null,
            delivery?.eventId ?? null,
            delivery?.receivedAt ?? null,
            delivery !== null,
            p.providerRef,
            now,
            p.id,
            p.provider,
            p.amount,
            p.currency,
            p.createdAt,
          ],
        )
        const { recorded, moved, ...order } = rows[0]!
        const duplicate = delivery !== null && recorded === 0
        if (moved) {
          await writeEffects(q, db, { effects, now })
          return { order, changed: true, duplicate: false }
        }
        const current = await q.query<Order>(`SELECT ${orderCols()} FROM ${s}.orders WHERE id = $1`, [
          orderId,
        ])
        return { order: current.rows[0] ?? null, changed: false, duplicate }
      })
    },
  }
}
