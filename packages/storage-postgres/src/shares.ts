import type { Share, StorageAdapter, Visit } from '@loopkit/core'
import { shareCols, visitCols } from './_internal/columns.js'
import type { Db } from './_internal/db.js'
import { effectsCtes, Params, withEffects } from './_internal/effects.js'
import { readOne } from './_internal/read-many.js'

type Ops = Pick<
  StorageAdapter,
  'createShare' | 'getShare' | 'listShares' | 'recordVisit' | 'claimVisits' | 'lastVisit'
>

export function shareOps(db: Db): Ops {
  const { s } = db
  // Every checkout asks for the buyer's last share visit (attribution): concurrent ones share a statement.
  const latest = readOne<Visit>(
    db,
    ['text', 'text', 'bigint'],
    ([customer, visitor, since]) => `SELECT ${visitCols()} FROM ${s}.visits
       WHERE (customer_id = ${customer} OR (${visitor}::text IS NOT NULL AND visitor_key = ${visitor})) AND at >= ${since}
         AND sharer_id <> ${customer}
       ORDER BY at DESC, seq DESC LIMIT 1`,
  )
  return {
    async createShare({ share: sh, effects }) {
      const p = new Params()
      const ins = `ins AS (
        INSERT INTO ${s}.shares (id, customer_id, sku_id, target, channel, created_at)
        VALUES (${p.list([sh.id, sh.customerId, sh.skuId, sh.target, sh.channel, sh.createdAt])}) RETURNING 1)`
      const fx = effectsCtes(p, db, { effects, now: sh.createdAt, when: 'EXISTS (SELECT 1 FROM ins)' })
      await db.query(`${withEffects(ins, fx)} SELECT 1`, p.values)
      return { ...sh }
    },

    async getShare({ id }) {
      const { rows } = await db.query<Share>(`SELECT ${shareCols()} FROM ${s}.shares WHERE id = $1`, [id])
      return rows[0] ?? null
    },

    async listShares({ customerId, limit }) {
      const { rows } = await db.query<Share>(
        `SELECT ${shareCols()} FROM ${s}.shares WHERE ($1::text IS NULL OR customer_id = $1)
         ORDER BY created_at DESC, seq DESC LIMIT $2`,
        [customerId ?? null, limit],
      )
      return rows
    },

    async recordVisit({ visit: v, effects }) {
      const p = new Params()
      const ins = `ins AS (
        INSERT INTO ${s}.visits (id, share_id, sharer_id, visitor_key, customer_id, at)
        VALUES (${p.list([v.id, v.shareId, v.sharerId, v.visitorKey, v.customerId, v.at])}) RETURNING 1)`
      const fx = effectsCtes(p, db, { effects, now: v.at, when: 'EXISTS (SELECT 1 FROM ins)' })
      await db.query(`${withEffects(ins, fx)} SELECT 1`, p.values)
      return { ...v }
    },

    async claimVisits({ visitorKey, customerId }) {
      const { rowCount } = await db.query(
        `UPDATE ${s}.visits SET customer_id = $2 WHERE visitor_key = $1 AND customer_id IS NULL`,
        [visitorKey, customerId],
      )
      return { claimed: rowCount }
    },

    lastVisit: ({ customerId, visitorKey, since }) => latest([customerId, visitorKey ?? null, since]),
  }
}
