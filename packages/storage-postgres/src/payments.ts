import type { Effects, Order, Payment, Refund, StorageAdapter } from '@loopkit/core'
import { batched } from './_internal/batch.js'
import { orderCols, paymentCols, refundCols } from './_internal/columns.js'
import type { Db } from './_internal/db.js'
import { effectsCtes, Params, withEffects } from './_internal/effects.js'
import { paidStatsCte } from './customer-stats.js'
import { markPaidMany } from './mark-paid-many.js'

type Ops = Pick<StorageAdapter, 'savePayment' | 'listPayments' | 'recordWebhook' | 'markPaid'>
export type MarkPaidInput = Parameters<StorageAdapter['markPaid']>[0]
export type MarkPaidOutput = Awaited<ReturnType<StorageAdapter['markPaid']>>
/** What the paid transition's statement answers per order. */
export type MarkPaidRow = Order & { recorded: number; moved: boolean }

export function paymentOps(db: Db): Ops {
  const { s } = db
  const upsertPayment = `INSERT INTO ${s}.payments AS p
      (id, order_id, provider, provider_ref, amount, currency, status, created_at, updated_at)`
  const onConflict = `ON CONFLICT (id) DO UPDATE SET provider_ref = excluded.provider_ref, amount = excluded.amount,
      currency = excluded.currency, status = excluded.status, updated_at = excluded.updated_at`
  const markPaidBatched = batched(markPaidOne, (inputs: MarkPaidInput[]) =>
    markPaidMany(db, inputs, markPaidOne),
  )

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

    // Concurrent payments (webhooks arriving together) share one statement and one commit.
    markPaid: (input) => (input.delivery ? markPaidBatched(input) : markPaidOne(input)),
  }

  async function markPaidOne(input: MarkPaidInput): Promise<MarkPaidOutput> {
    const { orderId, delivery, payment: pay, now, effects, late } = input
    // One statement, so one round trip and atomic without BEGIN/COMMIT: record the delivery,
    // move pending → paid only if the delivery was new, save the payment only if the order
    // moved, and write the effects only if the payment was saved (which orders the CTEs).
    // With `late`, the order row is locked first (`lk` sees its latest version) and a delivery
    // for an expired/cancelled order is left to the late path below, which records it together
    // with the payment and the refund.
    const p = new Params()
    const id = p.add(orderId)
    const has = p.add(delivery !== null)
    const ref = p.add(pay.providerRef)
    const at = p.add(now)
    const ctes = `lk AS (SELECT status FROM ${s}.orders WHERE id = ${id} FOR UPDATE),
        d AS (
          INSERT INTO ${s}.webhook_deliveries (provider, event_id, received_at)
          SELECT ${p.add(delivery?.provider ?? null)}::text, ${p.add(delivery?.eventId ?? null)}::text,
                 ${p.add(delivery?.receivedAt ?? null)}::bigint
          WHERE ${has}::boolean AND NOT (${p.add(late !== undefined)}::boolean
            AND EXISTS (SELECT 1 FROM lk WHERE status IN ('expired', 'cancelled')))
          ON CONFLICT DO NOTHING RETURNING 1
        ),
        o AS (
          UPDATE ${s}.orders SET status = 'paid', provider_ref = ${ref}::text, paid_at = ${at}::bigint, updated_at = ${at}::bigint
          WHERE id = ${id} AND status = 'pending' AND (NOT ${has}::boolean OR EXISTS (SELECT 1 FROM d))
          RETURNING *
        ),
        ${paidStatsCte(s)},
        pay AS (
          ${upsertPayment}
          SELECT ${p.add(pay.id)}::text, o.id, ${p.add(pay.provider)}::text, ${ref}::text, ${p.add(pay.amount)}::bigint,
                 ${p.add(pay.currency)}::text, 'succeeded', ${p.add(pay.createdAt)}::bigint, ${at}::bigint
          FROM o
          ${onConflict}
          RETURNING 1
        )`
    const fx = effectsCtes(p, db, { effects, now, when: 'EXISTS (SELECT 1 FROM pay)' })
    const { rows } = await db.query<MarkPaidRow>(
      `${withEffects(ctes, fx)}
         SELECT (SELECT count(*) FROM d)::int AS recorded, o.id IS NOT NULL AS moved, ${orderCols('o.')}
         FROM (SELECT 1) AS one LEFT JOIN o ON true`,
      p.values,
      { prepared: true },
    )
    return settlePayment(db, input, rows[0]!)
  }
}

/** The answer to one payment, from its row of the paid transition's statement. */
export async function settlePayment(db: Db, input: MarkPaidInput, row: MarkPaidRow): Promise<MarkPaidOutput> {
  const { recorded, moved, ...order } = row
  if (moved) return { order, changed: true, duplicate: false }
  // Read afresh: a concurrent delivery that won may have committed after this statement began.
  const current = await db.query<Order>(`SELECT ${orderCols()} FROM ${db.s}.orders WHERE id = $1`, [
    input.orderId,
  ])
  const latest = current.rows[0]
  if (input.late && latest && (latest.status === 'expired' || latest.status === 'cancelled'))
    return latePayment(db, input as LateInput)
  return {
    order: current.rows[0] ?? null,
    changed: false,
    duplicate: input.delivery !== null && recorded === 0,
  }
}

type LateInput = Parameters<StorageAdapter['markPaid']>[0] & { late: { refund: Refund; effects?: Effects } }

/**
 * Money for an order that no longer holds stock, in one transaction: record the delivery (exactly
 * once), save the payment as succeeded, create the pending refund (unless its number exists) and
 * write the late effects with it.
 */
async function latePayment(db: Db, input: LateInput): ReturnType<StorageAdapter['markPaid']> {
  const { s } = db
  const { orderId, delivery, payment: pay, now, late } = input
  return db.tx(async (q) => {
    const locked = await q.query<Order>(`SELECT ${orderCols()} FROM ${s}.orders WHERE id = $1 FOR UPDATE`, [
      orderId,
    ])
    const order = locked.rows[0] ?? null
    if (delivery) {
      const d = await q.query(
        `INSERT INTO ${s}.webhook_deliveries (provider, event_id, received_at) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING 1`,
        [delivery.provider, delivery.eventId, delivery.receivedAt],
      )
      if (d.rowCount === 0) return { order, changed: false, duplicate: true }
    }
    await q.query(
      `INSERT INTO ${s}.payments AS p (id, order_id, provider, provider_ref, amount, currency, status, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'succeeded', $7, $8)
       ON CONFLICT (id) DO UPDATE SET provider_ref = excluded.provider_ref, amount = excluded.amount,
         currency = excluded.currency, status = excluded.status, updated_at = excluded.updated_at`,
      [pay.id, pay.orderId, pay.provider, pay.providerRef, pay.amount, pay.currency, pay.createdAt, now],
    )
    const r = late.refund
    const p = new Params()
    const ins = `ins AS (
      INSERT INTO ${s}.refunds
        (id, order_id, number, amount, currency, reason, status, provider_ref, created_at, updated_at)
      VALUES (${p.list([r.id, r.orderId, r.number, r.amount, r.currency, r.reason, r.status, r.providerRef, r.createdAt, r.updatedAt])})
      ON CONFLICT DO NOTHING
      RETURNING 1)`
    const fx = effectsCtes(p, db, {
      effects: late.effects,
      now: r.createdAt,
      when: 'EXISTS (SELECT 1 FROM ins)',
    })
    const { rows } = await q.query<{ created: boolean }>(
      `${withEffects(ins, fx)} SELECT EXISTS (SELECT 1 FROM ins) AS created`,
      p.values,
    )
    const created = rows[0]!.created
    if (created) return { order, changed: false, duplicate: false, late: { refund: { ...r }, created } }
    const existing = await q.query<Refund>(`SELECT ${refundCols()} FROM ${s}.refunds WHERE number = $1`, [
      r.number,
    ])
    return { order, changed: false, duplicate: false, late: { refund: existing.rows[0]!, created } }
  })
}
