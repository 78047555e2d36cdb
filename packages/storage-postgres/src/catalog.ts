import type { Sku, StockReservation, StorageAdapter } from '@loopkit/core'
import { checkDelta, checkLimit, checkStock, limitCountingStatuses, loopError } from '@loopkit/core'
import { skuCols } from './_internal/columns.js'
import type { Db, Queryable } from './_internal/db.js'

/** A SKU row as the domain reads it: `limitPerCustomer` only when set (an unlimited SKU reads back as written). */
export function toSku(row: Sku): Sku {
  const { limitPerCustomer, ...rest } = row
  return limitPerCustomer == null ? rest : row
}

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

/** Whose order is being reserved for: the customer a per-customer limit counts, and the order itself. */
export interface Reserver {
  customerId: string
  orderId: string
}

/**
 * Takes stock with conditional updates — never read-then-write. A concurrent buyer blocks on the
 * row and re-checks `stock >= $2` against the committed value, so no interleaving oversells.
 * Returns the SKUs that could not be reserved (missing, or too few left); SKUs without stock
 * tracking (`stock IS NULL`) always succeed and are not touched. Only a SKU with a per-customer
 * limit goes on to {@link reserveLimited}, so an unlimited SKU costs what it did before limits.
 * The caller rolls back on failure.
 */
export async function reserveStock(
  q: Queryable,
  s: string,
  who: Reserver,
  items: StockReservation[],
): Promise<string[]> {
  const failed: string[] = []
  for (const { skuId, quantity } of items) {
    const { rows } = await q.query<{ ok: boolean; limited: boolean }>(
      `WITH upd AS (
         UPDATE ${s}.skus SET stock = stock - $2 WHERE id = $1 AND stock >= $2 AND limit_per_customer IS NULL
         RETURNING 1
       )
       SELECT EXISTS (SELECT 1 FROM upd)
           OR EXISTS (SELECT 1 FROM ${s}.skus WHERE id = $1 AND stock IS NULL AND limit_per_customer IS NULL) AS ok,
         CASE WHEN EXISTS (SELECT 1 FROM upd) THEN false
           ELSE EXISTS (SELECT 1 FROM ${s}.skus WHERE id = $1 AND limit_per_customer IS NOT NULL) END AS limited`,
      [skuId, quantity],
    )
    if (rows[0]?.ok) continue
    if (!rows[0]?.limited || !(await reserveLimited(q, s, who, { skuId, quantity }))) failed.push(skuId)
  }
  return failed
}

/**
 * The path of a SKU with a per-customer limit: lock the SKU
 * row, count the customer's units of it in orders that hold them, then take the stock. Every
 * checkout of a limited SKU takes the same row lock before counting, and under READ COMMITTED the
 * count (a new statement) sees every order committed before the lock was granted — so two
 * concurrent checkouts of one customer cannot both fit under the limit. The order being created
 * is left out of the count by id. Returns false when stock is short; throws `limit_exceeded`.
 */
export async function reserveLimited(
  q: Queryable,
  s: string,
  who: Reserver,
  { skuId, quantity }: StockReservation,
): Promise<boolean> {
  const { rows } = await q.query<{ stock: number | null; limit: number | null }>(
    `SELECT stock, limit_per_customer AS "limit" FROM ${s}.skus WHERE id = $1 FOR UPDATE`,
    [skuId],
  )
  const sku = rows[0]
  if (!sku || (sku.stock !== null && sku.stock < quantity)) return false
  if (sku.limit !== null) {
    const { rows: held } = await q.query<{ held: number }>(
      `SELECT coalesce(sum((l->>'quantity')::bigint), 0) AS held
       FROM ${s}.orders o, jsonb_array_elements(o.lines) l
       WHERE o.customer_id = $1 AND o.id <> $2 AND o.status = ANY($3::text[]) AND l->>'skuId' = $4`,
      [who.customerId, who.orderId, limitCountingStatuses, skuId],
    )
    if (held[0]!.held + quantity > sku.limit) {
      throw loopError('postgres', 'limit_exceeded', `At most ${sku.limit} of \`${skuId}\` per customer.`)
    }
  }
  if (sku.stock !== null) {
    await q.query(`UPDATE ${s}.skus SET stock = stock - $2 WHERE id = $1`, [skuId, quantity])
  }
  return true
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

type CatalogOps = Pick<StorageAdapter, 'putSku' | 'getSku' | 'listSkus' | 'setStock' | 'adjustStock'>

export function catalogOps(db: Db): CatalogOps {
  const { s } = db
  return {
    async putSku({ sku }) {
      checkStock(sku.stock, sku.id, 'postgres')
      checkLimit(sku.limitPerCustomer, sku.id, 'postgres')
      // `stock` is written on insert only: an existing SKU's stock excludes units pending orders
      // hold, so overwriting it from a boot-time `put` would sell those units twice.
      const { rows } = await db.query<Sku>(
        `INSERT INTO ${s}.skus (id, title, description, image_url, price, currency, stock, active, limit_per_customer)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, description = excluded.description,
           image_url = excluded.image_url, price = excluded.price, currency = excluded.currency,
           active = excluded.active, limit_per_customer = excluded.limit_per_customer
         RETURNING ${skuCols()}`,
        [
          sku.id,
          sku.title,
          sku.description,
          sku.imageUrl,
          sku.price,
          sku.currency,
          sku.stock,
          sku.active,
          sku.limitPerCustomer ?? null,
        ],
      )
      return toSku(rows[0]!)
    },

    async getSku({ id }) {
      const { rows } = await db.query<Sku>(`SELECT ${skuCols()} FROM ${s}.skus WHERE id = $1`, [id])
      return rows[0] ? toSku(rows[0]) : null
    },

    async listSkus({ activeOnly }) {
      const { rows } = await db.query<Sku>(
        `SELECT ${skuCols()} FROM ${s}.skus ${activeOnly ? 'WHERE active' : ''} ORDER BY seq`,
      )
      return rows.map(toSku)
    },

    async setStock({ id, stock }) {
      checkStock(stock, id, 'postgres')
      const { rows } = await db.query<Sku>(
        `UPDATE ${s}.skus SET stock = $2 WHERE id = $1 RETURNING ${skuCols()}`,
        [id, stock],
      )
      return rows[0] ? toSku(rows[0]) : null
    },

    async adjustStock({ id, delta }) {
      checkDelta(delta, 'postgres')
      // One conditional statement: the row lock makes concurrent adjustments add up, never go below 0.
      const { rows } = await db.query<Sku>(
        `UPDATE ${s}.skus SET stock = stock + $2 WHERE id = $1 AND stock + $2 >= 0 RETURNING ${skuCols()}`,
        [id, delta],
      )
      if (rows[0]) return toSku(rows[0])
      // Nothing changed; read why (missing, untracked, or too few left).
      const { rows: cur } = await db.query<{ stock: number | null }>(
        `SELECT stock FROM ${s}.skus WHERE id = $1`,
        [id],
      )
      const r = cur[0] ? { found: true, current: cur[0].stock } : { found: false, current: null }
      if (!r.found) return null
      if (r.current === null) {
        throw loopError(
          'postgres',
          'invalid_input',
          `SKU \`${id}\` does not track stock; use setStock first.`,
        )
      }
      throw loopError(
        'postgres',
        'out_of_stock',
        `SKU \`${id}\` has ${r.current} left; cannot remove ${-delta}.`,
      )
    },
  }
}
