import type { Order, Refund, StorageAdapter } from '@loopkit/core'
import { loopError } from '@loopkit/core'
import { orderCols, refundCols } from './_internal/columns.js'
import { type Db, whereBuilder } from './_internal/db.js'
import { effectsCtes, Params, withEffects } from './_internal/effects.js'
import { statsCte } from './customer-stats.js'

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
        const p = new Params()
        const ins = `ins AS (
          INSERT INTO ${s}.refunds
            (id, order_id, number, amount, currency, reason, status, provider_ref, created_at, updated_at)
          VALUES (${p.list([r.id, r.orderId, r.number, r.amount, r.currency, r.reason, r.status, r.providerRef, r.createdAt, r.updatedAt])})
          RETURNING 1)`
        const fx = effectsCtes(p, db, { effects, now: r.createdAt, when: 'EXISTS (SELECT 1 FROM ins)' })
        await q.query(`${withEffects(ins, fx)} SELECT 1`, p.values)
        return { refund: { ...r }, created: true }
      })
    },

    getRefund: ({ id }) => one('id', id),
    getRefundByNumber: ({ number }) => one('number', number),

    async listRefunds({ orderId, status, updatedBefore, limit }) {
      const values: unknown[] = []
      const where = whereBuilder(values)
      if (orderId !== undefined) where.add('order_id = $?', orderId)
      if (status !== undefined) where.add('status = $?', status)
      if (updatedBefore !== undefined) where.add('updated_at <= $?', updatedBefore)
      values.push(limit === undefined ? null : Math.max(0, limit))
      const { rows } = await db.query<Refund>(
        `SELECT ${refundCols()} FROM ${s}.refunds ${where} ORDER BY created_at, seq LIMIT $${values.length}`,
        values,
      )
      return rows
    },

    async settleRefund({ id, status, providerRef, delivery, now, effects }) {
      // One statement: record the delivery; compare-and-set the refund on `pending` only if the
      // delivery was new; on success grow the order's `refunded` (a concurrent settlement of another
      // refund of the same order waits on the row and recomputes from its new version).
      const p = new Params()
      const has = p.add(delivery != null)
      const at = p.add(now)
      const ctes = `d AS (
          INSERT INTO ${s}.webhook_deliveries (provider, event_id, received_at)
          SELECT ${p.add(delivery?.provider ?? null)}::text, ${p.add(delivery?.eventId ?? null)}::text,
                 ${p.add(delivery?.receivedAt ?? null)}::bigint
          WHERE ${has}::boolean
          ON CONFLICT DO NOTHING RETURNING 1
        ),
        r AS (
          UPDATE ${s}.refunds SET status = ${p.add(status)}::text, updated_at = ${at}::bigint,
            provider_ref = CASE WHEN ${p.add(providerRef !== undefined)}::boolean
              THEN ${p.add(providerRef ?? null)}::text ELSE provider_ref END
          WHERE id = ${p.add(id)} AND status = 'pending' AND (NOT ${has}::boolean OR EXISTS (SELECT 1 FROM d))
          RETURNING *
        ),
        ord AS (
          UPDATE ${s}.orders o SET refunded = o.refunded + r.amount,
            status = CASE WHEN o.refunded + r.amount >= o.total THEN 'refunded' ELSE 'partially_refunded' END,
            updated_at = ${at}::bigint
          FROM r WHERE o.id = r.order_id AND r.status = 'succeeded'
            -- A late payment's refund leaves its expired/cancelled order as it is.
            AND o.status IN ('paid', 'fulfilled', 'partially_refunded')
          RETURNING o.customer_id, o.currency, o.total, o.status, o.refunded, o.paid_at, o.refunded - r.amount AS was_refunded
        ),
        ${statsCte(s, {
          name: 'st',
          from: 'ord',
          customer: 'ord.customer_id',
          currency: 'ord.currency',
          total: 'ord.total',
          // Every status a settlement moves from is counted; 'paid' stands for any of them.
          before: { status: `'paid'`, refunded: 'ord.was_refunded', paidAt: 'ord.paid_at' },
          after: { status: 'ord.status', refunded: 'ord.refunded', paidAt: 'ord.paid_at' },
        })}`
      // `when` names ord too, so the order row is locked before the effects' lock is taken.
      const when = '(SELECT count(*) FROM ord) >= 0 AND EXISTS (SELECT 1 FROM r)'
      const fx = effectsCtes(p, db, { effects, now, when })
      const { rows } = await db.query<{ recorded: number; changed: boolean }>(
        `${withEffects(ctes, fx)}
         SELECT (SELECT count(*) FROM d)::int AS recorded, ((SELECT count(*) FROM ord) >= 0 AND EXISTS (SELECT 1 FROM r)) AS changed`,
        p.values,
      )
      const { recorded, changed } = rows[0]!
      const refund = (await db.query<Refund>(`SELECT ${refundCols()} FROM ${s}.refunds WHERE id = $1`, [id]))
        .rows[0]
      return {
        refund: refund ?? null,
        order: await orderOf(db, s, refund?.orderId),
        changed,
        duplicate: delivery != null && recorded === 0,
      }
    },
  }
}

async function orderOf(q: Pick<Db, 'query'>, s: string, orderId: string | undefined): Promise<Order | null> {
  if (orderId === undefined) return null
  const { rows } = await q.query<Order>(`SELECT ${orderCols()} FROM ${s}.orders WHERE id = $1`, [orderId])
  return rows[0] ?? null
}
