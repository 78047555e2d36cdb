import type { Sku, StorageAdapter } from '@loopkit/core'
import { loopError } from '@loopkit/core'
import { checkDelta, checkLimit, checkStock } from '@loopkit/core/kit'
import { skuCols } from './_internal/columns.js'
import type { Db } from './_internal/db.js'
import { readOne } from './_internal/read-many.js'
import { STOCK_BUCKETS, setBucketsCtes, stockTotal } from './stock.js'

/** A SKU row as the domain reads it: `limitPerCustomer` only when set (an unlimited SKU reads back as written). */
export function toSku(row: Sku): Sku {
  const { limitPerCustomer, ...rest } = row
  return limitPerCustomer == null ? rest : row
}

type CatalogOps = Pick<StorageAdapter, 'putSku' | 'getSku' | 'listSkus' | 'setStock' | 'adjustStock'>

export function catalogOps(db: Db): CatalogOps {
  const { s } = db
  const cols = skuCols(stockTotal(s), 'k.')
  const read = readOne<Sku>(db, ['text'], ([id]) => `SELECT ${cols} FROM ${s}.skus k WHERE k.id = ${id}`)
  const byId = async (id: string) => {
    const row = await read([id])
    return row ? toSku(row) : null
  }
  return {
    async putSku({ sku }) {
      checkStock(sku.stock, sku.id, 'postgres')
      checkLimit(sku.limitPerCustomer, sku.id, 'postgres')
      // Stock is written on insert only: an existing SKU's stock excludes units pending orders
      // hold, so overwriting it from a boot-time `put` would sell those units twice. `xmax = 0`
      // tells a row this statement inserted from one it updated.
      const { rows } = await db.query<Sku>(
        `WITH up AS (
           INSERT INTO ${s}.skus AS k (id, title, description, image_url, price, currency, active, limit_per_customer)
           VALUES ($1, $2, $3, $4, $5, $6, $8, $9)
           ON CONFLICT (id) DO UPDATE SET title = excluded.title, description = excluded.description,
             image_url = excluded.image_url, price = excluded.price, currency = excluded.currency,
             active = excluded.active, limit_per_customer = excluded.limit_per_customer
           RETURNING k.*, (k.xmax = 0) AS inserted
         ),
         b AS (
           INSERT INTO ${s}.sku_stock (sku_id, bucket, stock)
           SELECT up.id, g, $7::bigint / ${STOCK_BUCKETS} + CASE WHEN g < $7::bigint % ${STOCK_BUCKETS} THEN 1 ELSE 0 END
           FROM up, generate_series(0, ${STOCK_BUCKETS - 1}) AS g
           WHERE up.inserted AND $7::bigint IS NOT NULL
         )
         SELECT ${skuCols(`CASE WHEN k.inserted THEN $7::bigint ELSE ${stockTotal(s)} END`, 'k.')} FROM up k`,
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

    getSku: ({ id }) => byId(id),

    async listSkus({ activeOnly }) {
      const { rows } = await db.query<Sku>(
        `SELECT ${cols} FROM ${s}.skus k ${activeOnly ? 'WHERE k.active' : ''} ORDER BY k.seq`,
      )
      return rows.map(toSku)
    },

    async setStock({ id, stock }) {
      checkStock(stock, id, 'postgres')
      // `null` stops tracking: the buckets go. Otherwise the new total, spread over fresh buckets.
      const change =
        stock === null
          ? `lk AS (SELECT 1 FROM ${s}.sku_stock WHERE sku_id = $1 ORDER BY bucket FOR UPDATE),
             gone AS (DELETE FROM ${s}.sku_stock WHERE sku_id = $1 AND (SELECT count(*) FROM lk) >= 0)`
          : setBucketsCtes(s)
      const { rows } = await db.query<Sku>(
        `WITH ${change} SELECT ${skuCols('$2::bigint', 'k.')} FROM ${s}.skus k WHERE k.id = $1`,
        [id, stock],
      )
      return rows[0] ? toSku(rows[0]) : null
    },

    async adjustStock({ id, delta }) {
      checkDelta(delta, 'postgres')
      // One statement that locks the SKU's buckets: concurrent adjustments and sales add up, and
      // the total never goes below 0 (the buckets are rewritten only when the new total is >= 0).
      const { rows } = await db.query<Sku & { applied: boolean }>(
        `WITH ${setBucketsCtes(s, 'cur.sum + $2::bigint')}
         SELECT ${skuCols('want.total', 'k.')}, EXISTS (SELECT 1 FROM put) AS applied
         FROM ${s}.skus k, want WHERE k.id = $1`,
        [id, delta],
      )
      const row = rows[0]
      if (!row) return null
      const { applied, ...sku } = row
      if (applied) return toSku(sku)
      // Nothing changed: the SKU does not track stock, or has too few left.
      if (sku.stock === null) {
        throw loopError(
          'postgres',
          'invalid_input',
          `SKU \`${id}\` does not track stock; use setStock first.`,
        )
      }
      throw loopError(
        'postgres',
        'out_of_stock',
        `SKU \`${id}\` has ${sku.stock - delta} left; cannot remove ${-delta}.`,
      )
    },
  }
}
