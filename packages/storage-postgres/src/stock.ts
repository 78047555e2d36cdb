import type { StockReservation } from '@loopkit/core'
import { limitCountingStatuses, loopError } from '@loopkit/core'
import type { Queryable } from './_internal/db.js'
import type { Params } from './_internal/effects.js'

/**
 * How many rows (`sku_stock` buckets) a SKU's stock is split over when it is set. Concurrent
 * buyers claim different buckets (`FOR UPDATE SKIP LOCKED`), so a flash sale does not queue on
 * one row lock; totals are always the exact sum.
 */
export const STOCK_BUCKETS = 16

/** What an order took from one bucket; `orders.reserved` holds a list of these. */
export interface BucketTake extends StockReservation {
  bucket: number
}

/** The total of a SKU's buckets (NULL: the SKU does not track stock), for a SKU row aliased `k`. */
export const stockTotal = (s: string, k = 'k') =>
  `(SELECT sum(b.stock)::bigint FROM ${s}.sku_stock b WHERE b.sku_id = ${k}.id)`

/**
 * Whose order is being reserved for: the customer a per-customer limit counts, and the order
 * itself (left out of the count).
 */
export interface Reserver {
  customerId: string
  orderId: string
}

/** Sums quantities per SKU and sorts by id, so every transaction locks SKU rows in the same order. */
export function normalizeReservations(items: readonly StockReservation[]): StockReservation[] {
  const bySku = new Map<string, number>()
  for (const r of items) {
    // A zero, negative or fractional quantity would *add* stock.
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
 * The claim of a checkout's fast path, as CTEs of its one statement. `sku` reads, from the
 * statement's snapshot, whether the SKU exists, has a per-customer limit, and what its buckets
 * held in total. `claim` takes `quantity` from a bucket that has that many and that no other
 * transaction holds (it never waits), starting at a random bucket so buyers spread out. Only when
 * every such bucket is held does `wait` queue on one of them, like a single stock row would, and
 * re-check it once the holder is done. `taken` is what either took. `after` is a SQL condition the
 * claims wait for (the events lock, see `effectsCtes`). A SKU with a limit is never claimed here
 * (its path counts the customer's orders under a lock).
 */
export function fastClaimCtes(p: Params, s: string, item: StockReservation, after: string): string {
  const sku = p.add(item.skuId)
  const qty = p.add(item.quantity)
  const pick = `SELECT c.bucket FROM ${s}.sku_stock c, sku
        WHERE c.sku_id = ${sku} AND c.stock >= ${qty}::bigint AND NOT sku.limited AND ${after}
        ORDER BY (c.bucket + ${p.add(Math.floor(Math.random() * STOCK_BUCKETS))}::int) % ${STOCK_BUCKETS}, c.bucket
        LIMIT 1`
  const take = `jsonb_build_object('skuId', b.sku_id, 'quantity', ${qty}::bigint, 'bucket', b.bucket) AS take`
  return `sku AS (
      SELECT EXISTS (SELECT 1 FROM ${s}.skus WHERE id = ${sku}) AS found,
        EXISTS (SELECT 1 FROM ${s}.skus WHERE id = ${sku} AND limit_per_customer IS NOT NULL) AS limited,
        (SELECT sum(stock)::bigint FROM ${s}.sku_stock WHERE sku_id = ${sku}) AS total
    ),
    claim AS (
      UPDATE ${s}.sku_stock b SET stock = b.stock - ${qty}::bigint
      WHERE b.sku_id = ${sku} AND b.bucket = (${pick} FOR UPDATE OF c SKIP LOCKED)
      RETURNING ${take}
    ),
    wait AS (
      UPDATE ${s}.sku_stock b SET stock = b.stock - ${qty}::bigint
      WHERE b.sku_id = ${sku} AND b.stock >= ${qty}::bigint AND NOT EXISTS (SELECT 1 FROM claim)
        AND b.bucket = (${pick})
      RETURNING ${take}
    ),
    taken AS (SELECT take FROM claim UNION ALL SELECT take FROM wait)`
}

/**
 * The slow path of one SKU, inside the checkout's transaction: lock the SKU row (so checkouts of a
 * limited SKU count the customer's orders one at a time: under READ COMMITTED the count, a new
 * statement, sees every order committed before the lock was granted), count, then lock every
 * bucket in bucket order and take `quantity` from the fullest ones. Exact: with every bucket
 * locked, "too few" means too few. Returns the takes (empty for a SKU that does not track stock),
 * or null when the SKU is missing or short; throws `limit_exceeded`.
 */
export async function takeStock(
  q: Queryable,
  s: string,
  who: Reserver,
  { skuId, quantity }: StockReservation,
): Promise<BucketTake[] | null> {
  const { rows } = await q.query<{ limit: number | null }>(
    `SELECT limit_per_customer AS "limit" FROM ${s}.skus WHERE id = $1 FOR UPDATE`,
    [skuId],
  )
  if (!rows[0]) return null
  const { rows: buckets } = await q.query<{ bucket: number; stock: number }>(
    `SELECT bucket, stock FROM ${s}.sku_stock WHERE sku_id = $1 ORDER BY bucket FOR UPDATE`,
    [skuId],
  )
  const tracked = buckets.length > 0
  if (tracked && buckets.reduce((n, b) => n + b.stock, 0) < quantity) return null
  const limit = rows[0].limit
  if (limit !== null) {
    const { rows: held } = await q.query<{ held: number }>(
      `SELECT coalesce(sum((l->>'quantity')::bigint), 0) AS held
       FROM ${s}.orders o, jsonb_array_elements(o.lines) l
       WHERE o.customer_id = $1 AND o.id <> $2 AND o.status = ANY($3::text[]) AND l->>'skuId' = $4`,
      [who.customerId, who.orderId, limitCountingStatuses, skuId],
    )
    if (held[0]!.held + quantity > limit) {
      throw loopError('postgres', 'limit_exceeded', `At most ${limit} of \`${skuId}\` per customer.`)
    }
  }
  if (!tracked) return []
  const takes: BucketTake[] = []
  let left = quantity
  for (const b of [...buckets].sort((x, y) => y.stock - x.stock || x.bucket - y.bucket)) {
    if (left === 0) break
    const n = Math.min(left, b.stock)
    if (n > 0) takes.push({ skuId, quantity: n, bucket: b.bucket })
    left -= n
  }
  await q.query(
    `UPDATE ${s}.sku_stock b SET stock = b.stock - t.quantity
     FROM unnest($2::int[], $3::bigint[]) AS t(bucket, quantity)
     WHERE b.sku_id = $1 AND b.bucket = t.bucket`,
    [skuId, takes.map((t) => t.bucket), takes.map((t) => t.quantity)],
  )
  return takes
}

/**
 * A CTE (`name`) giving back what orders held: `held` is a SQL expression of a `reserved` list
 * (over `from`), each take back to the bucket it came from (an entry from before buckets, if any
 * were left, to bucket 0), summed per bucket first (an UPDATE … FROM changes a row once). SKUs
 * that stopped tracking stock have no buckets and get nothing back.
 */
export function releaseCte(s: string, x: { name: string; from: string; held: string; when: string }): string {
  return `${x.name} AS (
      UPDATE ${s}.sku_stock b SET stock = b.stock + r.quantity
      FROM (
        SELECT e."skuId" AS sku_id, coalesce(e.bucket, 0) AS bucket, sum(e.quantity) AS quantity
        FROM ${x.from}, jsonb_to_recordset(${x.held}) AS e("skuId" text, quantity bigint, bucket int)
        WHERE ${x.when}
        GROUP BY 1, 2
      ) r
      WHERE b.sku_id = r.sku_id AND b.bucket = r.bucket
      RETURNING 1
    )`
}

/**
 * Sets a SKU's total to `$2` (bigint), spread evenly over {@link STOCK_BUCKETS} buckets, in one
 * statement; `$1` is the SKU id. The SKU's buckets are locked in bucket order first, so a
 * concurrent claim either finished before (and the new total overwrites it, as `setStock` does on
 * one row) or waits and claims from the new buckets. `total` (optional, over the locked buckets
 * `lk(stock)`) computes the new total instead, e.g. `sum + delta` for an adjustment; the buckets
 * are written only when it is not negative. Returns the CTEs; `put` returns the new total.
 */
export function setBucketsCtes(s: string, total = '$2::bigint'): string {
  return `lk AS (SELECT bucket, stock FROM ${s}.sku_stock WHERE sku_id = $1 ORDER BY bucket FOR UPDATE),
    want AS (SELECT (${total})::bigint AS total FROM (SELECT count(*) AS n, sum(stock) AS sum FROM lk) AS cur),
    put AS (
      INSERT INTO ${s}.sku_stock AS b (sku_id, bucket, stock)
      SELECT k.id, g, want.total / ${STOCK_BUCKETS} + CASE WHEN g < want.total % ${STOCK_BUCKETS} THEN 1 ELSE 0 END
      FROM ${s}.skus k, want, generate_series(0, ${STOCK_BUCKETS - 1}) AS g
      WHERE k.id = $1 AND want.total >= 0
      ON CONFLICT (sku_id, bucket) DO UPDATE SET stock = excluded.stock
      RETURNING b.stock
    ),
    extra AS (
      DELETE FROM ${s}.sku_stock b USING want
      WHERE b.sku_id = $1 AND b.bucket >= ${STOCK_BUCKETS} AND want.total >= 0
    )`
}
