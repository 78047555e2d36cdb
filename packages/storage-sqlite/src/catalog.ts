import type { OrderLine, Sku, StockReservation, StorageAdapter } from '@loopkit/core'
import { limitCountingStatuses, loopError } from '@loopkit/core'
import { checkDelta, checkLimit, checkStock } from '@loopkit/core/kit'
import { type Db, SCOPE } from './_internal/db.js'
import { type SkuRow, toSku } from './_internal/rows.js'

type CatalogOps = Pick<StorageAdapter, 'putSku' | 'getSku' | 'listSkus' | 'setStock' | 'adjustStock'>

// `stock` is written on insert only: an existing SKU's stock excludes units pending orders hold,
// so overwriting it from a boot-time `put` would sell those units twice.
const UPSERT = `INSERT INTO skus (id, title, description, image_url, price, currency, stock, active, limit_per_customer)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET title = excluded.title, description = excluded.description,
    image_url = excluded.image_url, price = excluded.price, currency = excluded.currency,
    active = excluded.active, limit_per_customer = excluded.limit_per_customer
  RETURNING *`
const SET_STOCK = 'UPDATE skus SET stock = ? WHERE id = ? RETURNING *'
const ADJUST = 'UPDATE skus SET stock = stock + @delta WHERE id = @id AND stock + @delta >= 0 RETURNING *'
const BY_ID = 'SELECT * FROM skus WHERE id = ?'
// One conditional statement per SKU: the common case (enough stock, no limit) needs no read first.
const TAKE =
  'UPDATE skus SET stock = stock - @quantity WHERE id = @skuId AND stock >= @quantity AND limit_per_customer IS NULL'
const TAKE_ANY = 'UPDATE skus SET stock = stock - @quantity WHERE id = @skuId AND stock >= @quantity'
const GIVE_BACK = 'UPDATE skus SET stock = stock + @quantity WHERE id = @skuId AND stock IS NOT NULL'
const HELD = `SELECT coalesce(sum(json_extract(l.value, '$.quantity')), 0) AS held
  FROM orders o, json_each(o.lines) l
  WHERE o.customer_id = ? AND o.status IN (${limitCountingStatuses.map((s) => `'${s}'`).join(', ')})
    AND json_extract(l.value, '$.skuId') = ?`

export function catalogOps(db: Db): CatalogOps {
  const put = db.tx((input: Parameters<StorageAdapter['putSku']>[0]): Sku => {
    const s = input.sku
    checkStock(s.stock, s.id, SCOPE)
    checkLimit(s.limitPerCustomer, s.id, SCOPE)
    const row = db
      .q(UPSERT)
      .get(
        s.id,
        s.title,
        s.description,
        s.imageUrl,
        s.price,
        s.currency,
        s.stock,
        s.active ? 1 : 0,
        s.limitPerCustomer ?? null,
      ) as SkuRow
    return toSku(row)
  })

  const set = db.tx((input: Parameters<StorageAdapter['setStock']>[0]): Sku | null => {
    checkStock(input.stock, input.id, SCOPE)
    const row = db.q(SET_STOCK).get(input.stock, input.id) as SkuRow | undefined
    return row ? toSku(row) : null
  })

  const adjust = db.tx((input: Parameters<StorageAdapter['adjustStock']>[0]): Sku | null => {
    checkDelta(input.delta, SCOPE)
    const row = db.q(ADJUST).get({ id: input.id, delta: input.delta }) as SkuRow | undefined
    if (row) return toSku(row)
    const current = db.q(BY_ID).get(input.id) as SkuRow | undefined
    if (!current) return null
    if (current.stock === null) {
      throw loopError(SCOPE, 'invalid_input', `SKU \`${input.id}\` does not track stock; use setStock first.`)
    }
    throw loopError(
      SCOPE,
      'out_of_stock',
      `SKU \`${input.id}\` has ${current.stock} left; cannot remove ${-input.delta}.`,
    )
  })

  return {
    async putSku(input) {
      return put(input)
    },
    async getSku({ id }) {
      return db.read(() => {
        const row = db.q(BY_ID).get(id) as SkuRow | undefined
        return row ? toSku(row) : null
      })
    },
    async listSkus({ activeOnly }) {
      return db.read(() => {
        const sql = activeOnly
          ? 'SELECT * FROM skus WHERE active = 1 ORDER BY id'
          : 'SELECT * FROM skus ORDER BY id'
        return (db.q(sql).all() as SkuRow[]).map(toSku)
      })
    },
    async setStock(input) {
      return set(input)
    },
    async adjustStock(input) {
      return adjust(input)
    },
  }
}

/**
 * Takes stock for every reservation, inside the caller's transaction (which holds the write lock,
 * so a limit counted here cannot change before the commit). Throws `out_of_stock` or
 * `limit_exceeded` on the first line that does not fit; the caller's transaction then rolls back
 * the lines already taken.
 */
export function reserveStock(
  db: Db,
  input: { customerId: string; reserve: readonly StockReservation[] },
): void {
  const totals = new Map<string, number>()
  for (const r of input.reserve) {
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
    // The hot path: one statement for an unlimited SKU with enough stock.
    if (db.q(TAKE).run({ skuId, quantity }).changes === 1) continue
    const row = db.q(BY_ID).get(skuId) as SkuRow | undefined
    if (!row) throw loopError(SCOPE, 'out_of_stock', `SKU \`${skuId}\` does not exist.`)
    if (row.stock !== null && row.stock < quantity) {
      throw loopError(SCOPE, 'out_of_stock', `SKU \`${skuId}\` has ${row.stock} left, ${quantity} requested.`)
    }
    const limit = row.limit_per_customer
    if (limit === null) continue // untracked stock, no limit: nothing to take
    const { held } = db.q(HELD).get(input.customerId, skuId) as { held: number }
    if (held + quantity > limit) {
      throw loopError(SCOPE, 'limit_exceeded', `At most ${limit} of \`${skuId}\` per customer.`)
    }
    if (row.stock !== null) db.q(TAKE_ANY).run({ skuId, quantity })
  }
}

/** Returns an order's lines to stock, inside the caller's transaction. */
export function releaseStock(db: Db, lines: readonly OrderLine[]): void {
  for (const line of lines) db.q(GIVE_BACK).run({ skuId: line.skuId, quantity: line.quantity })
}
