import type { Effects, Refund, StorageAdapter } from '@loopkit/core'
import { loopError } from '@loopkit/core'
import { type Db, SCOPE } from './_internal/db.js'
import { writeEffects } from './_internal/effects.js'
import { type RefundRow, toRefund } from './_internal/rows.js'
import { applyRfm } from './customer-stats.js'
import { getOrderRow, saveOrder } from './orders.js'
import { recordDelivery } from './payments.js'

type RefundOps = Pick<
  StorageAdapter,
  'createRefund' | 'getRefund' | 'getRefundByNumber' | 'listRefunds' | 'settleRefund'
>

const INSERT = `INSERT INTO refunds (id, order_id, number, amount, currency, reason, status, provider_ref, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
const REFUNDABLE: readonly string[] = ['paid', 'fulfilled', 'partially_refunded']
const COMMITTED = `SELECT COALESCE(SUM(amount), 0) AS sum FROM refunds WHERE order_id = ? AND status != 'failed'`

/** Inside the caller's transaction: a late payment's refund, created pending, or the one with its number. */
export function insertLateRefund(
  db: Db,
  late: { refund: Refund; effects?: Effects | undefined },
): { refund: Refund; created: boolean } {
  const r = late.refund
  const row = db.q('SELECT * FROM refunds WHERE number = ?').get(r.number) as RefundRow | undefined
  if (row) return { refund: toRefund(row), created: false }
  insertRow(db, r)
  writeEffects(db, late.effects, r.createdAt)
  return { refund: { ...r }, created: true }
}

function insertRow(db: Db, r: Refund): void {
  db.q(INSERT).run(
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
  )
}

export function refundOps(db: Db): RefundOps {
  const byId = (id: string): Refund | null => {
    const row = db.q('SELECT * FROM refunds WHERE id = ?').get(id) as RefundRow | undefined
    return row ? toRefund(row) : null
  }
  const byNumber = (number: string): Refund | null => {
    const row = db.q('SELECT * FROM refunds WHERE number = ?').get(number) as RefundRow | undefined
    return row ? toRefund(row) : null
  }

  const create = db.tx((input: Parameters<StorageAdapter['createRefund']>[0]) => {
    const r = input.refund
    const existing = byNumber(r.number)
    if (existing) return { refund: existing, created: false }
    if (!Number.isSafeInteger(r.amount) || r.amount < 1) {
      throw loopError(
        SCOPE,
        'invalid_input',
        `Refund amount must be a positive integer of minor units, got ${r.amount}.`,
      )
    }
    const order = getOrderRow(db, r.orderId)
    if (!order) throw loopError(SCOPE, 'not_found', `Order \`${r.orderId}\` does not exist.`)
    if (r.currency !== order.currency) {
      throw loopError(
        SCOPE,
        'invalid_input',
        `Refund currency ${r.currency} differs from the order's ${order.currency}.`,
      )
    }
    const { sum } = db.q(COMMITTED).get(order.id) as { sum: number }
    if (sum + r.amount > order.total) {
      throw loopError(
        SCOPE,
        'refund_exceeds_paid',
        `Refund of ${r.amount} exceeds what is left of order \`${order.id}\` (${order.total - sum}).`,
      )
    }
    insertRow(db, r)
    writeEffects(db, input.effects, r.createdAt)
    return { refund: { ...r }, created: true }
  })

  const settle = db.tx((input: Parameters<StorageAdapter['settleRefund']>[0]) => {
    const { id, status, providerRef, delivery, now, effects } = input
    const first = recordDelivery(db, delivery)
    const refund = byId(id)
    const order = refund ? getOrderRow(db, refund.orderId) : null
    if (!first) return { refund, order, changed: false, duplicate: true }
    if (!refund || refund.status !== 'pending') return { refund, order, changed: false, duplicate: false }
    refund.status = status
    if (providerRef !== undefined && providerRef !== null) refund.providerRef = providerRef
    refund.updatedAt = now
    db.q('UPDATE refunds SET status = ?, provider_ref = ?, updated_at = ? WHERE id = ?').run(
      refund.status,
      refund.providerRef,
      now,
      id,
    )
    // A late payment's refund leaves its expired/cancelled order as it is (see the contract).
    if (order && status === 'succeeded' && REFUNDABLE.includes(order.status)) {
      const before = { ...order }
      order.refunded += refund.amount
      order.status = order.refunded >= order.total ? 'refunded' : 'partially_refunded'
      order.updatedAt = now
      saveOrder(db, order)
      applyRfm(db, before, order)
    }
    writeEffects(db, effects, now)
    return { refund, order, changed: true, duplicate: false }
  })

  return {
    async createRefund(input) {
      return create(input)
    },
    async getRefund({ id }) {
      return db.read(() => byId(id))
    },
    async getRefundByNumber({ number }) {
      return db.read(() => byNumber(number))
    },
    async listRefunds({ orderId, status, updatedBefore, limit }) {
      return db.read(() => {
        const where: string[] = []
        const params: unknown[] = []
        const add = (clause: string, value: unknown) => {
          where.push(clause)
          params.push(value)
        }
        if (orderId !== undefined) add('order_id = ?', orderId)
        if (status !== undefined) add('status = ?', status)
        if (updatedBefore !== undefined) add('updated_at <= ?', updatedBefore)
        const sql = `SELECT * FROM refunds ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY created_at, id LIMIT ?`
        return (db.q(sql).all(...params, limit === undefined ? -1 : Math.max(0, limit)) as RefundRow[]).map(
          toRefund,
        )
      })
    },
    async settleRefund(input) {
      return settle(input)
    },
  }
}
