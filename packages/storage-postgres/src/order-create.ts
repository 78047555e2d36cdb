import type { Effects, Order, StockReservation } from '@loopkit/core'
import { loopError } from '@loopkit/core'
import { orderCols } from './_internal/columns.js'
import type { Db } from './_internal/db.js'
import { pgCode } from './_internal/db.js'
import { effectsCtes, eventsLockKey, Params, withEffects } from './_internal/effects.js'
import { type BucketTake, fastClaimCtes, takeStock } from './stock.js'

/** What the fast path did: created the order, found the SKU sold out, found an earlier order, or left it to the slow path. */
export type FastOutcome = 'created' | 'sold_out' | 'slow' | { prior: string }

const orderColumns = `id, number, customer_id, lines, total, currency, status, provider, idempotency_key, attribution,
  refunded, provider_ref, reserved, created_at, expires_at, paid_at, updated_at`

function orderValues(p: Params, o: Order, reserved: string): string {
  const v = (x: unknown) => p.add(x)
  return `${v(o.id)}::text, ${v(o.number)}::text, ${v(o.customerId)}::text, ${v(JSON.stringify(o.lines))}::jsonb,
    ${v(o.total)}::bigint, ${v(o.currency)}::text, ${v(o.status)}::text, ${v(o.provider)}::text,
    ${v(o.idempotencyKey)}::text, ${v(o.attribution === null ? null : JSON.stringify(o.attribution))}::jsonb,
    ${v(o.refunded)}::bigint, ${v(o.providerRef)}::text, ${reserved}, ${v(o.createdAt)}::bigint,
    ${v(o.expiresAt)}::bigint, ${v(o.paidAt)}::bigint, ${v(o.updatedAt)}::bigint`
}

/**
 * A checkout of at most one SKU as one autocommit statement — one round trip, no BEGIN/COMMIT:
 * claim the units from a free bucket (never waiting), insert the order with the bucket it took
 * from, and write the effects. The statement writes nothing unless the claim succeeded (or the
 * SKU does not track stock). A replay whose order is committed finds it (`prior`) and writes
 * nothing; a concurrent request with the same idempotency key fails the unique index and the
 * whole statement is undone, stock included, and then finds the order the other one committed.
 * "Sold out" is exact: the SKU's buckets held fewer units than asked in the statement's snapshot
 * (uncommitted claims still count there). When they held enough but every bucket with enough was
 * being claimed, or the SKU has a per-customer limit, the slow path decides.
 */
export async function createFast(
  db: Db,
  o: Order,
  item: StockReservation | undefined,
  effects: Effects | undefined,
): Promise<FastOutcome> {
  const { s } = db
  const p = new Params()
  const noPrior = 'NOT EXISTS (SELECT 1 FROM prior)'
  let ctes = `prior AS (
      SELECT id FROM ${s}.orders WHERE customer_id = ${p.add(o.customerId)} AND idempotency_key = ${p.add(o.idempotencyKey)}::text
    )`
  // The events lock comes before any bucket lock, in every statement and transaction that takes
  // both (see effectsCtes): a bucket is never held while waiting for the events lock.
  let after = noPrior
  if ((effects?.events?.length ?? 0) > 0) {
    ctes += `, lk0 AS MATERIALIZED (
      SELECT pg_advisory_xact_lock_shared(hashtextextended(${p.add(eventsLockKey(db.schema))}, 0)) WHERE ${noPrior}
    )`
    after = `${noPrior} AND (SELECT count(*) FROM lk0) >= 0`
  }
  let from = '(SELECT 1) AS one'
  let ok = after
  let held = `'[]'::jsonb`
  if (item) {
    ctes += `, ${fastClaimCtes(p, s, item, after)}`
    from = 'sku'
    ok = `(EXISTS (SELECT 1 FROM taken) OR (sku.found AND NOT sku.limited AND sku.total IS NULL AND ${after}))`
    held = `coalesce((SELECT jsonb_agg(take) FROM taken), '[]'::jsonb)`
  }
  ctes += `, ins AS (
      INSERT INTO ${s}.orders (${orderColumns})
      SELECT ${orderValues(p, o, held)} FROM ${from} WHERE ${ok}
      RETURNING id
    )`
  const fx = effectsCtes(p, db, { effects, now: o.createdAt, when: 'EXISTS (SELECT 1 FROM ins)' })
  const stock = item ? ', sku.found, sku.limited, sku.total' : ''
  let row: {
    inserted: boolean
    prior: string | null
    found?: boolean
    limited?: boolean
    total?: number | null
  }
  try {
    const { rows } = await db.query<typeof row>(
      `${withEffects(ctes, fx)}
       SELECT EXISTS (SELECT 1 FROM ins) AS inserted, (SELECT id FROM prior) AS prior${stock} FROM ${from}`,
      p.values,
      { prepared: true },
    )
    row = rows[0]!
  } catch (e) {
    if (!isIdempotencyRace(e)) throw e
    const { rows } = await db.query<{ id: string }>(
      `SELECT id FROM ${s}.orders WHERE customer_id = $1 AND idempotency_key = $2`,
      [o.customerId, o.idempotencyKey],
    )
    return rows[0] ? { prior: rows[0].id } : 'slow'
  }
  if (row.inserted) return 'created'
  if (row.prior !== null) return { prior: row.prior }
  if (!item) return 'slow'
  if (!row.found) return 'sold_out'
  if (!row.limited && row.total != null && row.total < item.quantity) return 'sold_out'
  return 'slow'
}

/** The unique index on (customer, idempotency key) refused a concurrent twin: nothing was written. */
function isIdempotencyRace(e: unknown): boolean {
  const cause = (e as { cause?: { constraint?: unknown } } | null)?.cause
  return pgCode(cause) === '23505' && cause?.constraint === 'orders_idempotency'
}

/**
 * The general checkout, in one transaction: insert the order first (a concurrent request with the
 * same idempotency key waits on it, then finds the key taken before touching stock), write the
 * effects (which takes the events lock before any bucket lock), then take each SKU's units in id
 * order with every bucket of the SKU locked ({@link takeStock}), and record what was taken. Any
 * SKU short rolls everything back.
 */
export async function createSlow(
  db: Db,
  o: Order,
  items: StockReservation[],
  effects: Effects | undefined,
): Promise<{ order: Order; created: boolean }> {
  const { s } = db
  return db.tx(async (q) => {
    const p = new Params()
    const ins = `ins AS (
      INSERT INTO ${s}.orders (${orderColumns}) VALUES (${orderValues(p, o, `'[]'::jsonb`)})
      ON CONFLICT (customer_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
      RETURNING id)`
    const fx = effectsCtes(p, db, { effects, now: o.createdAt, when: 'EXISTS (SELECT 1 FROM ins)' })
    const { rows } = await q.query<{ inserted: boolean }>(
      `${withEffects(ins, fx)} SELECT EXISTS (SELECT 1 FROM ins) AS inserted`,
      p.values,
    )
    if (!rows[0]!.inserted) {
      const { rows: prior } = await q.query<Order>(
        `SELECT ${orderCols()} FROM ${s}.orders WHERE customer_id = $1 AND idempotency_key = $2`,
        [o.customerId, o.idempotencyKey],
      )
      return { order: prior[0]!, created: false }
    }
    const who = { customerId: o.customerId, orderId: o.id }
    const takes: BucketTake[] = []
    const failed: string[] = []
    for (const item of items) {
      const took = await takeStock(q, s, who, item)
      if (took === null) failed.push(item.skuId)
      else takes.push(...took)
    }
    // Throwing rolls back the order row, the effects and every unit already taken.
    if (failed.length > 0) throw outOfStock(failed)
    if (takes.length > 0) {
      await q.query(`UPDATE ${s}.orders SET reserved = $2 WHERE id = $1`, [o.id, JSON.stringify(takes)])
    }
    return { order: { ...o }, created: true }
  })
}

export function outOfStock(skuIds: string[]) {
  return loopError(
    'postgres',
    'out_of_stock',
    `Not enough stock for ${skuIds.map((id) => `\`${id}\``).join(', ')}.`,
  )
}
