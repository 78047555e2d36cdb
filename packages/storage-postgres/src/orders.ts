import type { Order, StockReservation, StorageAdapter } from '@loopkit/core'
import { legalSources, loopError } from '@loopkit/core'
import { orderCols } from './_internal/columns.js'
import type { Db, Queryable } from './_internal/db.js'
import { whereBuilder } from './_internal/db.js'
import { effectsCtes, Params, withEffects } from './_internal/effects.js'
import { normalizeReservations, releaseStock, reserveLimited, reserveStock } from './catalog.js'
import { statsCte } from './customer-stats.js'

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
      const [first, ...rest] = normalizeReservations(reserve)
      return db.tx(async (q) => {
        // One statement inserts the order, writes its effects and takes the first SKU's stock.
        // The insert comes first: a concurrent request with the same idempotency key waits on it
        // and then finds the key taken — before either of them touched stock. Stock comes last (it
        // waits for the effects' lock), so a hot SKU's row lock is held only until COMMIT.
        const p = new Params()
        const o = order
        const ins = `ins AS (
          INSERT INTO ${s}.orders (id, number, customer_id, lines, total, currency, status, provider, idempotency_key,
            attribution, refunded, provider_ref, reserved, created_at, expires_at, paid_at, updated_at)
          VALUES (${p.list([
            o.id,
            o.number,
            o.customerId,
            JSON.stringify(o.lines),
            o.total,
            o.currency,
            o.status,
            o.provider,
            o.idempotencyKey,
            o.attribution === null ? null : JSON.stringify(o.attribution),
            o.refunded,
            o.providerRef,
            JSON.stringify(first ? [first, ...rest] : []),
            o.createdAt,
            o.expiresAt,
            o.paidAt,
            o.updatedAt,
          ])})
          ON CONFLICT (customer_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
          RETURNING id)`
        const fx = effectsCtes(p, db, { effects, now: o.createdAt, when: 'EXISTS (SELECT 1 FROM ins)' })
        let res = ''
        let reserved = 'true'
        let limited = 'false'
        if (first) {
          const sku = p.add(first.skuId)
          const qty = p.add(first.quantity)
          res = `, res AS (
            UPDATE ${s}.skus SET stock = stock - ${qty}::bigint
            WHERE id = ${sku} AND stock >= ${qty}::bigint AND limit_per_customer IS NULL AND EXISTS (SELECT 1 FROM ins)
              ${fx ? 'AND (SELECT count(*) FROM fx_lk) >= 0' : ''}
            RETURNING 1)`
          reserved = `EXISTS (SELECT 1 FROM res) OR EXISTS (SELECT 1 FROM ${s}.skus WHERE id = ${sku} AND stock IS NULL
            AND limit_per_customer IS NULL)`
          // Read in the same statement, so an unlimited SKU (sold out or not) never takes the slow path;
          // and only when the fast path failed (CASE evaluates lazily), so a sale pays nothing for it.
          limited = `CASE WHEN EXISTS (SELECT 1 FROM res) THEN false
            ELSE EXISTS (SELECT 1 FROM ${s}.skus WHERE id = ${sku} AND limit_per_customer IS NOT NULL) END`
        }
        const { rows } = await q.query<{ inserted: boolean; reserved: boolean; limited: boolean }>(
          `${withEffects(ins, fx)}${res} SELECT EXISTS (SELECT 1 FROM ins) AS inserted, ${reserved} AS reserved,
            ${limited} AS limited`,
          p.values,
        )
        if (!rows[0]!.inserted) {
          const { rows: prior } = await q.query<Order>(
            `SELECT ${orderCols()} FROM ${s}.orders WHERE customer_id = $1 AND idempotency_key = $2`,
            [o.customerId, o.idempotencyKey],
          )
          return { order: prior[0]!, created: false }
        }
        // Throwing rolls back the order row, the effects and any line already reserved.
        const who = { customerId: o.customerId, orderId: o.id }
        if (!rows[0]!.reserved && !(rows[0]!.limited && (await reserveLimited(q, s, who, first!)))) {
          throw outOfStock([first!.skuId])
        }
        const failed = await reserveStock(q, s, who, rest)
        if (failed.length > 0) throw outOfStock(failed)
        return { order: { ...o }, created: true }
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

    async transitionOrder({ id, from: requested, to, patch, releaseStock: release, now, effects }) {
      const from = legalSources({ from: requested, to })
      // Compare-and-set: a concurrent transition blocks on the row, then re-checks the status.
      const p = new Params()
      const ctes = `cur AS (SELECT id, reserved, status, refunded, paid_at FROM ${s}.orders WHERE id = ${p.add(id)} FOR UPDATE),
        moved AS (
          UPDATE ${s}.orders o SET status = ${p.add(to)}::text,
            provider_ref = CASE WHEN ${p.add(patch !== undefined && 'providerRef' in patch)}::boolean
              THEN ${p.add(patch?.providerRef ?? null)}::text ELSE o.provider_ref END,
            paid_at = CASE WHEN ${p.add(patch !== undefined && 'paidAt' in patch)}::boolean
              THEN ${p.add(patch?.paidAt ?? null)}::bigint ELSE o.paid_at END,
            reserved = CASE WHEN ${p.add(release === true)}::boolean THEN '[]'::jsonb ELSE o.reserved END,
            updated_at = ${p.add(now)}::bigint
          FROM cur WHERE o.id = cur.id AND o.status = ANY(${p.add(from)}::text[])
          RETURNING ${orderCols('o.')}, cur.reserved
        ),
        ${statsCte(s, {
          name: 'st',
          from: 'moved JOIN cur ON cur.id = moved.id',
          customer: 'moved."customerId"',
          currency: 'moved.currency',
          total: 'moved.total',
          before: { status: 'cur.status', refunded: 'cur.refunded', paidAt: 'cur.paid_at' },
          after: { status: 'moved.status', refunded: 'moved.refunded', paidAt: 'moved."paidAt"' },
        })}`
      const fx = effectsCtes(p, db, { effects, now, when: 'EXISTS (SELECT 1 FROM moved)' })
      const apply = async (q: Queryable) => {
        const { rows } = await q.query<Order & { reserved: StockReservation[] }>(
          `${withEffects(ctes, fx)} SELECT * FROM moved`,
          p.values,
        )
        if (!rows[0]) return null
        const { reserved, ...order } = rows[0]
        // Released after the effects, for the same reason as stock is taken last in createOrder.
        if (release) await releaseStock(q, s, reserved)
        return order
      }
      // Without a release it is one statement, atomic on its own; with one, a transaction.
      const order = release ? await db.tx(apply) : await apply(db)
      if (order) return { order, changed: true }
      return { order: await byId(id), changed: false }
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
