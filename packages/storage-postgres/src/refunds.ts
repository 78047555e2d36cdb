import type { Order, Refund, StorageAdapter } from '@loopkit/core'
import { loopError } from '@loopkit/core'
import { orderCols, refundCols } from './_internal/columns.js'
import type { Db } from './_internal/db.js'
import { writeEffects } from './_internal/effects.js'

type Ops = Pick<
  StorageAdapter,
  'createRefund' | 'getRefund' | 'getRefundByNumber' | 'listRefunds' | 'settleRefund'
>

export function refundOps(db: Db): Ops {
  const { s } = db
  const one = async (where: string, value: string) => {
    const { rows } = await db.query<Refund>(`SELECT ${refundCols()} FROM ${s}.refunds WHERE ${where} = $1`, [
      value,
    ])
    return rows[0] ?? null
  }

  return {
    async createRefund({ refund: r, effects }) {
      return db.tx(async (q) => {
        // Lock the order first, then read in a *new* statement: under READ COMMITTED each statement
        // sees everything committed before it started, including a refund that won the lock race.
        const locked = await q.query<{ total: number }>(
          `SELECT total FROM ${s}.orders WHERE id = $1 FOR UPDATE`,
          [r.orderId],
        )
        const order = locked.rows[0]
        if (!order) throw loopError('postgres', 'not_found', `Order \`${r.orderId}\` does not exist.`)
        const prior = await q.query<Refund & { used: number }>(
          `SELECT (SELECT coalesce(sum(amount), 0) FROM ${s}.refunds
                     WHERE order_id = $1 AND status IN ('pending', 'succeeded')) AS used,
                  ${refundCols('r.')}
           FROM (SELECT 1) AS one LEFT JOIN ${s}.refunds r ON r.number = $2`,
          [r.orderId, r.number],
        )
        const { used, ...existing } = prior.rows[0]!
        if (existing.id !== null) return { refund: existing as Refund, created: false }
        if (used + r.amount > order.total) {
          throw loopError(
            'postgres',
            'refund_exceeds_paid',
            `Refund of ${r.amount} on order \`${r.orderId}\` would bring refunds to ${used + r.amount} of ${order.total}.`,
          )
        }
        await q.query(
          `INSERT INTO ${s}.refunds (id, order_id, number, amount, currency, reason, status, provider_ref, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            r.id,
            r.orderId,
            r.number,
            r.amount,
            r.currency,
            r.reason,
            r.status,
            r.providerRef,
            r.createdAt,
            r.updatedAt,
          ],
        )
        await writeEffects(q, db, { effects, now: r.createdAt })
        return { refund: { ...r }, created: true }
      })
    },

    getRefund: ({ id }) => one('id', id),
    getRefundByNumber: ({ number }) => one('number', number),

    async listRefunds({ orderId }) {
      const { rows } = await db.query<Refund>(
        `SELECT ${refundCols()} FROM ${s}.refunds WHERE order_id = $1 ORDER BY seq`,
        [orderId],
      )
      return rows
    },

    async settleRefund({ id, status, providerRef, delivery, now, effects }) {
      return db.tx(async (q) => {
        if (delivery) {
          const { rowCount } = await q.query(
            `INSERT INTO ${s}.webhook_deliveries (provider, event_id, received_at) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING`,
            [delivery.provider, delivery.eventId, delivery.receivedAt],
          )
          if (rowCount === 0) {
            const refund = await q.query<Refund>(`SELECT ${refundCols()} FROM ${s}.refunds WHERE id = $1`, [
              id,
            ])
            const order = await orderOf(q, s, refund.rows[0]?.orderId)
            return { refund: refund.rows[0] ?? null, order, changed: false, duplicate: true }
          }
        }
        // Compare-and-set on `pending`; on success the order's `refunded` grows in the same statement.
        const { rows } = await q.query<Refund>(
          `WITH r AS (
             UPDATE ${s}.refunds SET status = $2, provider_ref = CASE WHEN $3 THEN $4 ELSE provider_ref END, updated_at = $5
             WHERE id = $1 AND status = 'pending'
             RETURNING *
           ),
           ord AS (
             UPDATE ${s}.orders o SET refunded = o.refunded + r.amount,
               status = CASE WHEN o.refunded + r.amount >= o.total THEN 'refunded' ELSE 'partially_refunded' END,
               updated_at = $5
             FROM r WHERE o.id = r.order_id AND r.status = 'succeeded'
           )
           SELECT ${refundCols('r.')} FROM r`,
          [id, status, providerRef !== undefined, providerRef ?? null, now],
        )
        const changed = rows[0]
        if (changed) await writeEffects(q, db, { effects, now })
        const refund =
          changed ??
          (await q.query<Refund>(`SELECT ${refundCols()} FROM ${s}.refunds WHERE id = $1`, [id])).rows[0]
        return {
          refund: refund ?? null,
          order: await orderOf(q, s, refund?.orderId),
          changed: !!changed,
          duplicate: false,
        }
      })
    },
  }
}

async function orderOf(q: Pick<Db, 'query'>, s: string, orderId: string | undefined): Promise<Order | null> {
  if (orderId === undefined) return null
  const { rows } = await q.query<Order>(`SELECT ${orderCols()} FROM ${s}.orders WHERE id = $1`, [orderId])
  return rows[0] ?? null
}
