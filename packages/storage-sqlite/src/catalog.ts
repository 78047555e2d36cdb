import type { OrderLine, StockReservation, StorageAdapter } from '@loopkit/core'
import { loopError } from '@loopkit/core'
import { type Db, guard, SCOPE } from './_internal/db.js'
import { type SkuRow, toSku } from './_internal/rows.js'

type CatalogOps = Pick<StorageAdapter, 'putSku' | 'getSku' | 'listSkus'>

const UPSERT = `INSERT INTO skus (id, title, description, image_url, price, currency, stock, active)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET title = excluded.title, description = excluded.description,
    image_url = excluded.image_url, price = excluded.price, currency = excluded.currency,
    stock = excluded.stock, active = excluded.active`
// One conditional statement per SKU: the common case (enough stock) needs no read first.
const TAKE = 'UPDATE skus SET stock = stock - @quantity WHERE id = @skuId AND stock >= @quantity'
const STOCK = 'SELECT stock FROM skus WHERE id = ?'
const GIVE_BACK = 'UPDATE skus SET stock = stock + @quantity WHERE id = @skuId AND stock IS NOT NULL'

export function catalogOps(db: Db): CatalogOps {
  const put = db.tx((input: Parameters<StorageAdapter['putSku']>[0]) => {
    const s = input.sku
    if (s.stock !== null && (!Number.isSafeInteger(s.stock) || s.stock < 0)) {
      throw loopError(SCOPE, 'invalid_input', `SKU \`${s.id}\` stock must be a non-negative integer or null.`)
    }
    db.q(UPSERT).run(s.id, s.title, s.description, s.imageUrl, s.price, s.currency, s.stock, s.active ? 1 : 0)
    return { ...s }
  })

  return {
    async putSku(input) {
      return put(input)
    },
    async getSku({ id }) {
      return guard(() => {
        const row = db.q('SELECT * FROM skus WHERE id = ?').get(id) as SkuRow | undefined
        return row ? toSku(row) : null
      })
    },
    async listSkus({ activeOnly }) {
      return guard(() => {
        const sql = activeOnly
          ? 'SELECT * FROM skus WHERE active = 1 ORDER BY id'
          : 'SELECT * FROM skus ORDER BY id'
        return (db.q(sql).all() as SkuRow[]).map(toSku)
      })
    },
  }
}

/**
 * Takes stock for every reservation, inside the caller's transaction. Throws `out_of_stock` on the
 * first line that does not fit; the caller's transaction then rolls back the lines already taken.
 */
export function reserveStock(db: Db, reserve: readonly StockReservation[]): void {
  const totals = new Map<string, number>()
  for (const r of reserve) {
    if (!Number.isSafeInteger(r.quantity) || r.quantity < 1) {
      throw loopError(
        SCOPE,
        'invalid_input',
        `Reserved quantity of \`${r.skuId}\` must be a positive integer, got ${r.quantity}.`,
      )
    }
    totals.set(r.skuId, (totals.get(r.skuId) ?? 0) + r.quantity)
  }
  for (const [skuId, quantity] of totals) {
    if (db.q(TAKE).run({ skuId, quantity }).changes === 1) continue
    const row = db.q(STOCK).get(skuId) as { stock: number | null } | undefined
    if (!row) throw loopError(SCOPE, 'out_of_stock', `SKU \`${skuId}\` does not exist.`)
    if (row.stock !== null) {
      throw loopError(SCOPE, 'out_of_stock', `SKU \`${skuId}\` has ${row.stock} left, ${quantity} requested.`)
    }
  }
}

/** Returns an order's lines to stock, inside the caller's transaction. */
export function releaseStock(db: Db, lines: readonly OrderLine[]): void {
  for (const line of lines) db.q(GIVE_BACK).run({ skuId: line.skuId, quantity: line.quantity })
}
