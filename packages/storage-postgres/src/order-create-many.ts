import type { Effects, Order, StockReservation } from '@loopkit/core'
import { eachAlone, type Outcome } from './_internal/batch.js'
import type { Db } from './_internal/db.js'
import { effectsJson, effectsManyCtes, eventsLockKey, Params } from './_internal/effects.js'
import type { FastOutcome } from './order-create.js'
import { STOCK_BUCKETS } from './stock.js'

/** A checkout of at most one SKU (`item`), as the batch receives it. */
export interface CreateInput {
  order: Order
  item: StockReservation | undefined
  effects: Effects | undefined
}

/**
 * Checkouts of at most one SKU each that arrived together, as one autocommit statement: one round
 * trip and one commit for all of them. Per SKU the batch locks up to {@link BUCKETS_PER_BATCH}
 * buckets that no other transaction holds (never waiting, as the single checkout's fast path),
 * preferring one that holds the batch's whole demand, and hands the checkouts, in order, their
 * units from them; each order is inserted with the buckets it took from, and the events written.
 * The buckets' `CHECK (stock >= 0)` undoes the whole statement should a take ever exceed what its
 * locked bucket holds. A checkout whose idempotency key already has an order finds it (`prior`);
 * an unknown SKU is sold out, and so is one whose buckets held fewer units than a checkout asks in
 * the statement's snapshot (exact, as in the single checkout); a SKU with a per-customer limit, or a checkout past what the locked
 * buckets held (the last units of a sale, every bucket being claimed), answers `slow`: that
 * checkout runs alone, with the single checkout's exact rules. Nothing is taken for it here.
 *
 * Two checkouts with the same idempotency key in one batch would both miss `prior`: the later runs
 * alone after the batch. A concurrent twin in another statement makes the insert fail on the
 * unique index, undoing the whole statement (stock included): then every checkout of the batch
 * runs alone, each finding its twin's order as the single path does.
 */
export async function createMany(
  db: Db,
  inputs: CreateInput[],
  one: (input: CreateInput) => Promise<FastOutcome>,
): Promise<Outcome<FastOutcome>[]> {
  const keys = new Set<string>()
  const first: CreateInput[] = []
  const later: number[] = []
  inputs.forEach((input, i) => {
    const { customerId, idempotencyKey } = input.order
    const key = idempotencyKey === null ? null : `${customerId}\u0000${idempotencyKey}`
    if (key !== null && keys.has(key)) later.push(i)
    else {
      if (key !== null) keys.add(key)
      first.push(input)
    }
  })
  let settled: Outcome<FastOutcome>[]
  try {
    const rows = await statement(db, first)
    settled = await eachAlone(
      first.map((input, k) => ({ input, row: rows[k]! })),
      async ({ input, row }): Promise<FastOutcome> => {
        if (row.inserted) return 'created'
        if (row.prior !== null) return { prior: row.prior }
        // As the single checkout: exact, since the snapshot still counts uncommitted claims.
        if (!row.found) return 'sold_out'
        const asked = input.item?.quantity ?? 0
        if (!row.limited && row.total !== null && row.total < asked) return 'sold_out'
        return one(input)
      },
    )
  } catch {
    settled = await eachAlone(first, one)
  }
  const outcomes: Outcome<FastOutcome>[] = []
  let k = 0
  inputs.forEach((_, i) => {
    if (!later.includes(i)) outcomes[i] = settled[k++]!
  })
  for (const i of later) {
    outcomes[i] = await one(inputs[i]!).then(
      (value): Outcome<FastOutcome> => ({ ok: true, value }),
      (error: unknown): Outcome<FastOutcome> => ({ ok: false, error }),
    )
  }
  return outcomes
}

interface Row {
  inserted: boolean
  prior: string | null
  found: boolean
  limited: boolean
  total: number | null
}

/**
 * How many free buckets of a SKU one batch may lock: the batch's units come from the first that
 * holds them all, else from these together; the rest stay free for other instances' batches.
 */
const BUCKETS_PER_BATCH = 2

async function statement(db: Db, inputs: CreateInput[]): Promise<Row[]> {
  const { s } = db
  const p = new Params()
  const xs = p.add(
    JSON.stringify(
      inputs.map(({ order: o, item, effects }, k) => ({
        i: k + 1,
        id: o.id,
        number: o.number,
        customer_id: o.customerId,
        lines: o.lines,
        total: o.total,
        currency: o.currency,
        status: o.status,
        provider: o.provider,
        idempotency_key: o.idempotencyKey,
        attribution: o.attribution,
        refunded: o.refunded,
        provider_ref: o.providerRef,
        created_at: o.createdAt,
        expires_at: o.expiresAt,
        paid_at: o.paidAt,
        updated_at: o.updatedAt,
        sku: item?.skuId ?? null,
        qty: item?.quantity ?? null,
        now: o.createdAt,
        ...effectsJson(effects),
      })),
    ),
  )
  // As in the single checkout: the events lock before any bucket lock (see effectsCtes).
  const sql = `WITH x AS MATERIALIZED (
      SELECT * FROM jsonb_to_recordset(${xs}::jsonb) AS x(i int, id text, number text, customer_id text, lines jsonb,
        total bigint, currency text, status text, provider text, idempotency_key text, attribution jsonb,
        refunded bigint, provider_ref text, created_at bigint, expires_at bigint, paid_at bigint, updated_at bigint,
        sku text, qty bigint, now bigint, ob jsonb, ev jsonb)
    ),
    prior AS MATERIALIZED (
      SELECT x.i, o.id FROM x JOIN ${s}.orders o ON o.customer_id = x.customer_id AND o.idempotency_key = x.idempotency_key
    ),
    want AS MATERIALIZED (SELECT x.* FROM x WHERE x.i NOT IN (SELECT i FROM prior)),
    lk0 AS MATERIALIZED (
      SELECT pg_advisory_xact_lock_shared(hashtextextended(${p.add(eventsLockKey(db.schema))}, 0))
      WHERE EXISTS (SELECT 1 FROM want WHERE jsonb_array_length(want.ev) > 0)
    ),
    sku AS MATERIALIZED (
      SELECT w.sku, sum(w.qty)::bigint AS demand,
        EXISTS (SELECT 1 FROM ${s}.skus k WHERE k.id = w.sku) AS found,
        EXISTS (SELECT 1 FROM ${s}.skus k WHERE k.id = w.sku AND k.limit_per_customer IS NOT NULL) AS limited,
        EXISTS (SELECT 1 FROM ${s}.sku_stock b WHERE b.sku_id = w.sku) AS tracked,
        (SELECT sum(b.stock) FROM ${s}.sku_stock b WHERE b.sku_id = w.sku)::bigint AS total
      FROM want w WHERE w.sku IS NOT NULL AND (SELECT count(*) FROM lk0) >= 0
      GROUP BY w.sku
    ),
    pick AS MATERIALIZED (
      SELECT k.sku, c.bucket, c.stock, c.pref, c.rk
      FROM sku k CROSS JOIN LATERAL (
        SELECT b.bucket, b.stock, b.stock >= k.demand AS pref,
          (b.bucket + ${p.add(Math.floor(Math.random() * STOCK_BUCKETS))}::int) % ${STOCK_BUCKETS} AS rk
        FROM ${s}.sku_stock b
        WHERE b.sku_id = k.sku AND b.stock > 0
        ORDER BY pref DESC, rk, b.bucket
        LIMIT ${BUCKETS_PER_BATCH} FOR UPDATE OF b SKIP LOCKED
      ) AS c
      WHERE k.found AND NOT k.limited AND k.tracked
    ),
    span AS MATERIALIZED (
      SELECT sku, bucket, stock, sum(stock) OVER (PARTITION BY sku ORDER BY pref DESC, rk, bucket) - stock AS lo
      FROM pick
    ),
    need AS MATERIALIZED (
      SELECT w.i, w.sku, w.qty, sum(w.qty) OVER (PARTITION BY w.sku ORDER BY w.i) - w.qty AS lo
      FROM want w WHERE w.sku IS NOT NULL
    ),
    takes AS MATERIALIZED (
      SELECT n.i, t.sku, t.bucket, least(n.lo + n.qty, t.lo + t.stock) - greatest(n.lo, t.lo) AS qty
      FROM need n JOIN span t ON t.sku = n.sku AND t.lo < n.lo + n.qty AND n.lo < t.lo + t.stock
      WHERE n.lo + n.qty <= (SELECT sum(a.stock) FROM span a WHERE a.sku = n.sku)
    ),
    claim AS (
      UPDATE ${s}.sku_stock b SET stock = b.stock - t.qty
      FROM (SELECT sku, bucket, sum(qty)::bigint AS qty FROM takes GROUP BY sku, bucket) AS t
      WHERE b.sku_id = t.sku AND b.bucket = t.bucket
      RETURNING 1
    ),
    ok AS MATERIALIZED (
      SELECT w.*, coalesce((
          SELECT jsonb_agg(jsonb_build_object('skuId', t.sku, 'quantity', t.qty, 'bucket', t.bucket) ORDER BY t.bucket)
          FROM takes t WHERE t.i = w.i
        ), '[]'::jsonb) AS held
      FROM want w LEFT JOIN sku k ON k.sku = w.sku
      WHERE (w.sku IS NULL OR (k.found AND NOT k.limited AND NOT k.tracked) OR EXISTS (SELECT 1 FROM takes t WHERE t.i = w.i))
        AND (SELECT count(*) FROM claim) >= 0
    ),
    ins AS (
      INSERT INTO ${s}.orders (id, number, customer_id, lines, total, currency, status, provider, idempotency_key,
        attribution, refunded, provider_ref, reserved, created_at, expires_at, paid_at, updated_at)
      SELECT id, number, customer_id, lines, total, currency, status, provider, idempotency_key, attribution,
        refunded, provider_ref, held, created_at, expires_at, paid_at, updated_at
      FROM ok ORDER BY ok.i
      RETURNING 1
    ),
    done AS (SELECT ok.* FROM ok WHERE (SELECT count(*) FROM ins) >= 0),
    ${effectsManyCtes(db, p, { rows: 'done', order: 'fx.i' })}
    SELECT x.i IN (SELECT i FROM ok) AS inserted, (SELECT id FROM prior WHERE prior.i = x.i) AS prior,
      coalesce(k.found, true) AS found, coalesce(k.limited, false) AS limited, k.total
    FROM x LEFT JOIN sku k ON k.sku = x.sku ORDER BY x.i`
  const { rows } = await db.query<Row>(sql, p.values, { prepared: true })
  return rows
}
