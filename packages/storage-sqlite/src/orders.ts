import type { Order, StorageAdapter } from '@loopkit/core'
import { legalSources, loopError } from '@loopkit/core'
import { type Db, json, SCOPE } from './_internal/db.js'
import { writeEffects } from './_internal/effects.js'
import { type OrderRow, toOrder } from './_internal/rows.js'
import { releaseStock, reserveStock } from './catalog.js'
import { applyRfm } from './customer-stats.js'

type OrderOps = Pick<
  StorageAdapter,
  'createOrder' | 'getOrder' | 'getOrderByNumber' | 'listOrders' | 'listExpiredOrders' | 'transitionOrder'
>

const BY_ID = 'SELECT * FROM orders WHERE id = ?'
const BY_IDEMPOTENCY = 'SELECT * FROM orders WHERE customer_id = ? AND idempotency_key = ?'
const INSERT = `INSERT INTO orders (id, number, customer_id, lines, total, currency, status, provider, idempotency_key,
  attribution, refunded, provider_ref, created_at, expires_at, paid_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
const SAVE =
  'UPDATE orders SET status = ?, provider_ref = ?, paid_at = ?, refunded = ?, updated_at = ? WHERE id = ?'

/** The caller's order as a fresh object (what a read would return): plain data, copied by field. */
const copyOrder = (o: Order): Order => ({
  ...o,
  lines: o.lines.map((l) => ({ ...l })),
  attribution: o.attribution ? { ...o.attribution } : null,
})

export function getOrderRow(db: Db, id: string): Order | null {
  const row = db.q(BY_ID).get(id) as OrderRow | undefined
  return row ? toOrder(row) : null
}

/** Writes an order's mutable fields back, inside the caller's transaction. */
export function saveOrder(db: Db, o: Order): void {
  db.q(SAVE).run(o.status, o.providerRef, o.paidAt, o.refunded, o.updatedAt, o.id)
}

export function orderOps(db: Db): OrderOps {
  const create = db.tx((input: Parameters<StorageAdapter['createOrder']>[0]) => {
    const o = input.order
    if (o.idempotencyKey !== null) {
      const existing = db.q(BY_IDEMPOTENCY).get(o.customerId, o.idempotencyKey) as OrderRow | undefined
      if (existing) return { order: toOrder(existing), created: false }
    }
    reserveStock(db, { customerId: o.customerId, reserve: input.reserve })
    try {
      db.q(INSERT).run(
        o.id,
        o.number,
        o.customerId,
        JSON.stringify(o.lines),
        o.total,
        o.currency,
        o.status,
        o.provider,
        o.idempotencyKey,
        json(o.attribution),
        o.refunded,
        o.providerRef,
        o.createdAt,
        o.expiresAt,
        o.paidAt,
        o.updatedAt,
      )
    } catch (error) {
      const code = (error as { code?: string }).code
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw loopError(SCOPE, 'conflict', `Order \`${o.id}\` or number \`${o.number}\` already exists.`, {
          cause: error,
        })
      }
      throw error
    }
    writeEffects(db, input.effects, o.createdAt)
    return { order: copyOrder(o), created: true }
  })

  const transition = db.tx((input: Parameters<StorageAdapter['transitionOrder']>[0]) => {
    const order = getOrderRow(db, input.id)
    if (!order) return { order: null, changed: false }
    if (!input.from.includes(order.status)) return { order, changed: false }
    const before = { ...order }
    order.status = input.to
    if (input.patch?.providerRef !== undefined) order.providerRef = input.patch.providerRef
    if (input.patch?.paidAt !== undefined) order.paidAt = input.patch.paidAt
    order.updatedAt = input.now
    saveOrder(db, order)
    applyRfm(db, before, order)
    if (input.releaseStock) releaseStock(db, order.lines)
    writeEffects(db, input.effects, input.now)
    return { order, changed: true }
  })

  return {
    async createOrder(input) {
      return create(input)
    },
    async getOrder({ id }) {
      return db.read(() => getOrderRow(db, id))
    },
    async getOrderByNumber({ number }) {
      return db.read(() => {
        const row = db.q('SELECT * FROM orders WHERE number = ?').get(number) as OrderRow | undefined
        return row ? toOrder(row) : null
      })
    },
    async listOrders({ customerId, status, limit, before }) {
      return db.read(() => {
        const where: string[] = []
        const params: unknown[] = []
        if (customerId !== undefined) {
          where.push('customer_id = ?')
          params.push(customerId)
        }
        if (status !== undefined) {
          where.push('status = ?')
          params.push(status)
        }
        if (before) {
          where.push('(created_at < ? OR (created_at = ? AND id < ?))')
          params.push(before.createdAt, before.createdAt, before.id)
        }
        const sql = `SELECT * FROM orders ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY created_at DESC, id DESC LIMIT ?`
        return (db.q(sql).all(...params, Math.max(0, limit)) as OrderRow[]).map(toOrder)
      })
    },
    async listExpiredOrders({ now, limit }) {
      return db.read(() => {
        // Index order only, so LIMIT stops early however many orders are due.
        const sql = `SELECT * FROM orders WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at LIMIT ?`
        return (db.q(sql).all(now, Math.max(0, limit)) as OrderRow[]).map(toOrder)
      })
    },
    async transitionOrder(input) {
      // Refused before the transaction: an illegal move never reaches the compare-and-set.
      return transition({ ...input, from: legalSources(input) })
    },
  }
}
