import type { Payment, StorageAdapter, WebhookDelivery } from '@loopkit/core'
import type { Db } from './_internal/db.js'
import { writeEffects } from './_internal/effects.js'
import { type OrderRow, type PaymentRow, toOrder, toPayment } from './_internal/rows.js'
import { applyRfm } from './customer-stats.js'
import { getOrderRow } from './orders.js'
import { insertLateRefund } from './refunds.js'

type PaymentOps = Pick<StorageAdapter, 'savePayment' | 'listPayments' | 'recordWebhook' | 'markPaid'>

const UPSERT = `INSERT INTO payments (id, order_id, provider, provider_ref, amount, currency, status, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (order_id, id) DO UPDATE SET provider = excluded.provider,
    provider_ref = excluded.provider_ref, amount = excluded.amount, currency = excluded.currency,
    status = excluded.status, created_at = excluded.created_at, updated_at = excluded.updated_at`
const PAY = `UPDATE orders SET status = 'paid', provider_ref = coalesce(?, provider_ref), paid_at = ?, updated_at = ?
  WHERE id = ? AND status = 'pending' RETURNING *`
const RECORD = 'INSERT OR IGNORE INTO webhook_deliveries (provider, event_id, received_at) VALUES (?, ?, ?)'

/** Records a delivery inside the caller's transaction; `false` when it was already recorded. */
export function recordDelivery(db: Db, delivery: WebhookDelivery | null | undefined): boolean {
  if (!delivery) return true
  return db.q(RECORD).run(delivery.provider, delivery.eventId, delivery.receivedAt).changes === 1
}

function storePayment(db: Db, p: Payment): void {
  db.q(UPSERT).run(
    p.id,
    p.orderId,
    p.provider,
    p.providerRef,
    p.amount,
    p.currency,
    p.status,
    p.createdAt,
    p.updatedAt,
  )
}

export function paymentOps(db: Db): PaymentOps {
  const save = db.tx((p: Payment) => storePayment(db, p))

  const record = db.tx((input: Parameters<StorageAdapter['recordWebhook']>[0]) => {
    if (!recordDelivery(db, input.delivery)) return { first: false }
    writeEffects(db, input.effects, input.delivery.receivedAt)
    return { first: true }
  })

  const paid = db.tx((input: Parameters<StorageAdapter['markPaid']>[0]) => {
    const { orderId, delivery, payment, now, effects, late } = input
    if (!recordDelivery(db, delivery))
      return { order: getOrderRow(db, orderId), changed: false, duplicate: true }
    // The common case in one statement: the compare-and-set moves a pending order and returns it.
    const row = db.q(PAY).get(payment.providerRef, now, now, orderId) as OrderRow | undefined
    if (!row) {
      const order = getOrderRow(db, orderId)
      if (order && late && (order.status === 'expired' || order.status === 'cancelled')) {
        storePayment(db, { ...payment, status: 'succeeded', updatedAt: now })
        return { order, changed: false, duplicate: false, late: insertLateRefund(db, late) }
      }
      return { order, changed: false, duplicate: false }
    }
    const order = toOrder(row)
    // A pending order carries no payment time: paidAt is set by this transition only.
    applyRfm(db, { ...order, status: 'pending', paidAt: null }, order)
    storePayment(db, { ...payment, status: 'succeeded', updatedAt: now })
    writeEffects(db, effects, now)
    return { order, changed: true, duplicate: false }
  })

  return {
    async savePayment({ payment }) {
      await save(payment)
      return { ...payment }
    },
    async listPayments({ orderId }) {
      return db.read(() =>
        (
          db
            .q('SELECT * FROM payments WHERE order_id = ? ORDER BY created_at, id')
            .all(orderId) as PaymentRow[]
        ).map(toPayment),
      )
    },
    async recordWebhook(input) {
      return record(input)
    },
    async markPaid(input) {
      return paid(input)
    },
  }
}
