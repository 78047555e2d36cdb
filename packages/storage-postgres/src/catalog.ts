import type { Sku, StockReservation, StorageAdapter } from '@loopkit/core'
import { loopError } from '@loopkit/core'
import { skuCols } from './_internal/columns.js'
import type { Db, Queryable } from './_internal/db.js'

/** Sums quantities per SKU and sorts by id, so every transaction locks SKU rows in the same order. */
export function normalizeReservations(items: readonly StockReservation[]): StockReservation[] {
  const bySku = new Map<string, number>()
  for (const r of items) {
    // A zero, negative or fractional quantity would *add* stock through `stock - $2`.
    if (!Number.isSafeInteger(r.quantity) || r.quantity <= 0) {
      throw loopError(
        'postgres',
        'invalid_input',
        `Reservation quantity must be a positive integer, got ${r.quantity}.`,
      )
    }
    bySku.set(r.skuId, (bySku.get(r.skuId) ?? 0) + r.quantity)
  }
  return [...bySku]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([skuId, quantity]) => ({ skuId, quantity }))
}

/**
 * Takes stock with conditional updates — never read-then-write. A concurrent buyer blocks on the
 * row and re-checks `stock >= $2` against the committed value, so no interleaving oversells.
 * Returns the SKUs that could not be reserved (missing, or too few left); SKUs without stock
 * tracking (`stock IS NULL`) always succeed and are not touched. The caller rolls back on failure.
 */
export async function reserveStock(q: Queryable, s: string, items: StockReservation[]): Promise<string[]> {
  const failed: string[] = []
  for (const { skuId, quantity } of items) {
    const { rows } = await q.query<{ ok: boolean }>(
      `WITH upd AS (
         UPDATE ${s}.skus SET stock = stock - $2 WHERE id = $1 AND stock >= $2 RETURNING 1
       )
       SELECT EXISTS (SELECT 1 FROM upd)
           OR EXISTS (SELECT 1 FROM ${s}.skus WHERE id = $1 AND stock IS NULL) AS ok`,
      [skuId, quantity],
    )
    if (!rows[0]?.ok) failed.push(skuId)
  }
  return failed
}

/** Gives reserved units back (to SKUs that still track stock), in the same lock order. */
export async function releaseStock(q: Queryable, s: string, items: StockReservation[]): Promise<void> {
  for (const { skuId, quantity } of normalizeReservations(items)) {
    await q.query(`UPDATE ${s}.skus SET stock = stock + $2 WHERE id = $1 AND stock IS NOT NULL`, [
      skuId,
      quantity,
    ])
  }
}

export function catalogOps(db: Db): Pick<StorageAdapter, 'putSku' | 'getSku' | 'listSkus'> {
  const { s } = db
  return {
    async putSku({ sku }) {
      const { rows } = await db.query<Sku>(
        `INSERT INTO ${s}.skus (id, title, description, image_url, price, currency, stock, active)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, description = excluded.description,
           image_url = excluded.image_url, price = excluded.price, currency = excluded.currency,
           stock = excluded.stock, active = excluded.active
         RETURNING ${skuCols()}`,
        [sku.id, sku.title, sku.description, sku.imageUrl, sku.price, sku.currency, sku.stock, sku.active],
      )
      return rows[0]!
    },

    async getSku({ id }) {
      const { rows } = await db.query<Sku>(`SELECT ${skuCols()} FROM ${s}.skus WHERE id = $1`, [id])
      return rows[0] ?? null
    },

    async listSkus({ activeOnly }) {
      const { rows } = await db.query<Sku>(
        `SELECT ${skuCols()} FROM ${s}.skus ${activeOnly ? 'WHERE active' : ''} ORDER BY seq`,
      )
      return rows
    },
  }
}
