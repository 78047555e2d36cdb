import type { Order, StockReservation, StorageAdapter } from '@loopkit/core'
import { loopError } from '@loopkit/core'
import { orderCols } from './_internal/columns.js'
import type { Db } from './_internal/db.js'
import { whereBuilder } from './_internal/db.js'
import { writeEffects } from './_internal/effects.js'
import { normalizeReservations, releaseStock, reserveStock } from './catalog.js'

type Ops = Pick<
  StorageAdapter,
  'createOrder' | 'getOrder' | 'getOrderByNumber' | 'listOrders' | 'listExpiredOrders' | 'transitionOrder'
>

export function orderOps(db: Db): Ops {
  const { s } = db
  const byId = async (id: string) => {
    const { rows } = await db.query<Order>(`SELECT ${orderCols()} FROM ${s}.orders WHERE id = $1`, [id])
    return rows[0] ?? null
  }

  return {
    async createOrder({ order, reserve, effects }) {
      const items = normalizeReservations(reserve)
      return db.tx(async (q) => {
        // The insert comes first: a concurrent request with the same idempotency key waits on it
        // here and then finds the key taken — before either of them touched stock.
        const { rows } = await q.query<{ id: string }>(
          `INSERT INTO ${s}.orders (id, number, customer_id, lines, total, currency, status, provider, idempotency_key,
             attribution, refunded, provider_ref, reserved, created_at, expires_at, paid_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
           ON CONFLICT (customer_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
           RETURNING id`,
          [
            order.id,
            order.number,
            order.customerId,
            JSON.stringify(order.lines),
            order.total,
            order.currency,
            order.status,
            order.provider,
            order.idempotencyKey,
            order.attribution === null ? null : JSON.stringify(order.attribution),
            order.refunded,
            order.providerRef,
            JSON.stringify(items),
            order.createdAt,
            order.expiresAt,
            order.paidAt,
            order.updatedAt,
          ],
        )
        if (rows.length === 0) {
          const { rows: prior } = await q.query<Order>(
            `SELECT ${orderCols()} FROM ${s}.orders WHERE customer_id = $1 AND idempotency_key = $2`,
            [order.customerId, order.idempotencyKey],
          )
          return { order: prior[0]!, created: false }
        }
        await writeEffects(q, db, { effects, now: order.createdAt })
        // Stock last: a hot SKU's row lock is then held only from this statement to COMMIT. Throwing
        // rolls back the order row, the effects and any line already reserved.
        const failed = await reserveStock(q, s, items)
        if (failed.length > 0) throw outOfStock(failed)
        return { order: { ...order }, created: true }
      })
    },

    getOrder: ({ id }) => byId(id),

    async getOrderByNumber({ number }) {
      const { rows } = await db.query<Order>(`SELECT ${orderCols()} FROM ${s}.orders WHERE number = $1`, [
        number,
      ])
      return rows[0] ?? null
    },

    async listOrders({ customerId, status, limit, before }) {
      const values: unknown[] = []
      const where = whereBuilder(values)
      if (customerId !== undefined) where.add('customer_id = $?', customerId)
      if (status !== undefined) where.add('status = $?', status)
      if (before) where.add('(created_at, id) < ($?, $?)', before.createdAt, before.id)
      values.push(limit)
      const { rows } = await db.query<Order>(
        `SELECT ${orderCols()} FROM ${s}.orders ${where} ORDER BY created_at DESC, id DESC LIMIT $${values.length}`,
        values,
      )
      return rows
    },

    async listExpiredOrders({ now, limit }) {
      const { rows } = await db.query<Order>(
        `SELECT ${orderCols()} FROM ${s}.orders WHERE status = 'pending' AND expires_at <= $1
         ORDER BY expires_at, id LIMIT $2`,
        [now, limit],
      )
      return rows
    },

    async transitionOrder({ id, from, to, patch, releaseStock: release, now, effects }) {
      return db.tx(async (q) => {
        // Compare-and-set: a concurrent transition blocks on the row, then re-checks the status.
        const { rows } = await q.query<Order & { reserved: StockReservation[] }>(
          `WITH cur AS (SELECT id, reserved FROM ${s}.orders WHERE id = $1 FOR UPDATE)
           UPDATE ${s}.orders o SET status = $3,
             provider_ref = CASE WHEN $4 THEN $5 ELSE o.provider_ref END,
             paid_at = CASE WHEN $6 THEN $7::bigint ELSE o.paid_at END,
             reserved = CASE WHEN $8 THEN '[]'::jsonb ELSE o.reserved END,
             updated_at = $9
           FROM cur WHERE o.id = cur.id AND o.status = ANY($2::text[])
           RETURNING ${orderCols('o.')}, cur.reserved`,
          [
            id,
            from,
            to,
            patch !== undefined && 'providerRef' in patch,
            patch?.providerRef ?? null,
            patch !== undefined && 'paidAt' in patch,
            patch?.paidAt ?? null,
            release === true,
            now,
          ],
        )
        const row = rows[0]
        if (!row) {
          const { rows: current } = await q.query<Order>(
            `SELECT ${orderCols()} FROM ${s}.orders WHERE id = $1`,
            [id],
          )
          return { order: current[0] ?? null, changed: false }
        }
        const { reserved, ...order } = row
        await writeEffects(q, db, { effects, now })
        if (release) await releaseStock(q, s, reserved) // last, for the same reason as in createOrder
        return { order, changed: true }
      })
    },
  }
}

function outOfStock(skuIds: string[]) {
  return loopError(
    'postgres',
    'out_of_stock',
    `Not enough stock for ${skuIds.map((id) => `\`${id}\``).join(', ')}.`,
  )
}
