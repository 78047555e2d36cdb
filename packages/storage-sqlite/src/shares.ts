import type { StorageAdapter } from '@loopkit/core'
import type { Db } from './_internal/db.js'
import { writeEffects } from './_internal/effects.js'
import { type ShareRow, toShare, toVisit, type VisitRow } from './_internal/rows.js'

type ShareOps = Pick<
  StorageAdapter,
  'createShare' | 'getShare' | 'listShares' | 'recordVisit' | 'claimVisits' | 'lastVisit'
>

// A browser's unclaimed visits count for the customer using it; visits another customer claimed do not.
const LAST_VISIT = `SELECT * FROM visits
  WHERE at >= @since AND sharer_id != @customerId
    AND (customer_id = @customerId OR (@visitorKey IS NOT NULL AND visitor_key = @visitorKey AND customer_id IS NULL))
  ORDER BY at DESC, id DESC LIMIT 1`

export function shareOps(db: Db): ShareOps {
  const create = db.tx((input: Parameters<StorageAdapter['createShare']>[0]) => {
    const s = input.share
    db.q(
      'INSERT INTO shares (id, customer_id, sku_id, target, channel, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(s.id, s.customerId, s.skuId, s.target, s.channel, s.createdAt)
    writeEffects(db, input.effects, s.createdAt)
    return { ...s }
  })

  const visit = db.tx((input: Parameters<StorageAdapter['recordVisit']>[0]) => {
    const v = input.visit
    db.q(
      'INSERT INTO visits (id, share_id, sharer_id, visitor_key, customer_id, at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(v.id, v.shareId, v.sharerId, v.visitorKey, v.customerId, v.at)
    writeEffects(db, input.effects, v.at)
    return { ...v }
  })

  const claim = db.tx((visitorKey: string, customerId: string) => {
    const sql = 'UPDATE visits SET customer_id = ? WHERE visitor_key = ? AND customer_id IS NULL'
    return { claimed: db.q(sql).run(customerId, visitorKey).changes }
  })

  return {
    async createShare(input) {
      return create(input)
    },
    async getShare({ id }) {
      return db.read(() => {
        const row = db.q('SELECT * FROM shares WHERE id = ?').get(id) as ShareRow | undefined
        return row ? toShare(row) : null
      })
    },
    async listShares({ customerId, limit }) {
      return db.read(() => {
        const rows =
          customerId === undefined
            ? db.q('SELECT * FROM shares ORDER BY created_at DESC, id DESC LIMIT ?').all(Math.max(0, limit))
            : db
                .q('SELECT * FROM shares WHERE customer_id = ? ORDER BY created_at DESC, id DESC LIMIT ?')
                .all(customerId, Math.max(0, limit))
        return (rows as ShareRow[]).map(toShare)
      })
    },
    async recordVisit(input) {
      return visit(input)
    },
    async claimVisits({ visitorKey, customerId }) {
      return claim(visitorKey, customerId)
    },
    async lastVisit({ customerId, visitorKey, since }) {
      return db.read(() => {
        const row = db.q(LAST_VISIT).get({ since, customerId, visitorKey: visitorKey ?? null }) as
          | VisitRow
          | undefined
        return row ? toVisit(row) : null
      })
    },
  }
}
