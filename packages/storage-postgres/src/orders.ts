import type { Order, StorageAdapter } from '@loopkit/core'
import { legalSources } from '@loopkit/core'
import { batched } from './_internal/batch.js'
import { orderCols } from './_internal/columns.js'
import type { Db } from './_internal/db.js'
import { whereBuilder } from './_internal/db.js'
import { effectsCtes, Params, withEffects } from './_internal/effects.js'
import { readOne } from './_internal/read-many.js'
import { statsCte } from './customer-stats.js'
import { createFast, createSlow, type FastOutcome, outOfStock } from './order-create.js'
import { type CreateInput, createMany } from './order-create-many.js'
import { normalizeReservations, releaseCte } from './stock.js'

type Ops = Pick<
  StorageAdapter,
  'createOrder' | 'getOrder' | 'getOrderByNumber' | 'listOrders' | 'listExpiredOrders' | 'transitionOrder'
>

export function orderOps(db: Db): Ops {
  const { s } = db
  const byId = async (id: string) => {
    const { rows } = await db.query<Order>(`SELECT ${orderCols()} FROM ${s}.orders WHERE id = $1`, [id], {
      prepared: true,
    })
    return rows[0] ?? null
  }

  // The paid webhook starts with this read: concurrent ones share a statement.
  const byNumber = readOne<Order>(
    db,
    ['text'],
    ([n]) => `SELECT ${orderCols()} FROM ${s}.orders WHERE number = ${n}`,
  )

  // Concurrent checkouts of one SKU each share one statement and one commit (see createMany).
  const fastOne = ({ order, item, effects }: CreateInput) => createFast(db, order, item, effects)
  const fastBatched = batched<CreateInput, FastOutcome>(fastOne, (inputs) => createMany(db, inputs, fastOne))

  return {
    async createOrder({ order, reserve, effects }) {
      const items = normalizeReservations(reserve)
      if (items.length <= 1) {
        const fast = await fastBatched({ order, item: items[0], effects })
        if (fast === 'created') return { order: { ...order }, created: true }
        if (fast === 'sold_out') throw outOfStock([items[0]!.skuId])
        if (fast !== 'slow') return { order: (await byId(fast.prior))!, created: false }
      }
      return createSlow(db, order, items, effects)
    },

    getOrder: ({ id }) => byId(id),

    getOrderByNumber: ({ number }) => byNumber([number]),

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
      // Compare-and-set: a concurrent transition blocks on the row, then re-checks the status. One
      // statement, releases included, so atomic without BEGIN/COMMIT.
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
          RETURNING ${orderCols('o.')}, cur.reserved AS "heldBefore"
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
      // Stock goes back after the events lock is taken (bucket locks always come after it).
      const rel = release
        ? `, ${releaseCte(s, { name: 'rel', from: 'moved', held: 'moved."heldBefore"', when: fx ? '(SELECT count(*) FROM fx_lk) >= 0' : 'true' })}`
        : ''
      const { rows } = await db.query<Order & { heldBefore: unknown }>(
        `${withEffects(ctes, fx)}${rel} SELECT * FROM moved`,
        p.values,
      )
      if (rows[0]) {
        const { heldBefore: _, ...order } = rows[0]
        return { order, changed: true }
      }
      return { order: await byId(id), changed: false }
    },
  }
}
