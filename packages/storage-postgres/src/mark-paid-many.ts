import { eachAlone, type Outcome } from './_internal/batch.js'
import { orderCols } from './_internal/columns.js'
import type { Db } from './_internal/db.js'
import { effectsJson, effectsManyCtes, Params } from './_internal/effects.js'
import { paidStatsCte } from './customer-stats.js'
import { type MarkPaidInput, type MarkPaidOutput, type MarkPaidRow, settlePayment } from './payments.js'

/**
 * Payments that arrived together (each with its webhook delivery), as one statement: one round
 * trip and one commit for all of them, each still exactly what its own statement would do — the
 * delivery recorded once, pending → paid only if the delivery was new, the payment saved, the
 * customer's aggregates and the effects written, only for the orders that moved. Every order row
 * is locked first, in id order (so two batches, or a batch and a single payment, never wait for
 * each other in a cycle), then deliveries, stats and customer rows, each in key order.
 *
 * A payment whose order or delivery already appears earlier in the batch runs alone after it (it
 * must see the first one's outcome). Anything the statement refuses (a deadlock retried too often,
 * a constraint) sends the batch back one payment at a time, so each caller gets its own answer.
 * What did not move is settled per payment as a single one is (a fresh read, the late path).
 */
export async function markPaidMany(
  db: Db,
  inputs: MarkPaidInput[],
  one: (input: MarkPaidInput) => Promise<MarkPaidOutput>,
): Promise<Outcome<MarkPaidOutput>[]> {
  const orders = new Set<string>()
  const deliveries = new Set<string>()
  const first: MarkPaidInput[] = []
  const later: number[] = []
  inputs.forEach((input, i) => {
    const key = `${input.delivery!.provider}\u0000${input.delivery!.eventId}`
    if (orders.has(input.orderId) || deliveries.has(key)) later.push(i)
    else {
      orders.add(input.orderId)
      deliveries.add(key)
      first.push(input)
    }
  })
  let settled: Outcome<MarkPaidOutput>[]
  try {
    const rows = await statement(db, first)
    settled = await eachAlone(
      first.map((input, k) => ({ input, row: rows[k]! })),
      ({ input, row }) => settlePayment(db, input, row),
    )
  } catch {
    settled = await eachAlone(first, one)
  }
  const outcomes: Outcome<MarkPaidOutput>[] = []
  let k = 0
  inputs.forEach((_, i) => {
    if (!later.includes(i)) outcomes[i] = settled[k++]!
  })
  for (const i of later) {
    outcomes[i] = await one(inputs[i]!).then(
      (value): Outcome<MarkPaidOutput> => ({ ok: true, value }),
      (error: unknown): Outcome<MarkPaidOutput> => ({ ok: false, error }),
    )
  }
  return outcomes
}

async function statement(db: Db, inputs: MarkPaidInput[]): Promise<MarkPaidRow[]> {
  const { s } = db
  const p = new Params()
  const xs = p.add(
    JSON.stringify(
      inputs.map(({ orderId, delivery, payment: pay, now, effects, late }, k) => ({
        i: k + 1,
        order_id: orderId,
        provider: delivery!.provider,
        event_id: delivery!.eventId,
        received_at: delivery!.receivedAt,
        late: late !== undefined,
        pay_id: pay.id,
        pay_provider: pay.provider,
        ref: pay.providerRef,
        amount: pay.amount,
        currency: pay.currency,
        pay_created: pay.createdAt,
        now,
        ...effectsJson(effects),
      })),
    ),
  )
  const sql = `WITH x AS MATERIALIZED (
      SELECT * FROM jsonb_to_recordset(${xs}::jsonb) AS x(i int, order_id text, provider text, event_id text,
        received_at bigint, late boolean, pay_id text, pay_provider text, ref text, amount bigint, currency text,
        pay_created bigint, now bigint, ob jsonb, ev jsonb)
    ),
    lk AS MATERIALIZED (
      SELECT o.id, o.status FROM ${s}.orders o WHERE o.id IN (SELECT order_id FROM x) ORDER BY o.id FOR UPDATE
    ),
    d AS (
      INSERT INTO ${s}.webhook_deliveries (provider, event_id, received_at)
      SELECT x.provider, x.event_id, x.received_at FROM x
      WHERE (SELECT count(*) FROM lk) >= 0
        AND NOT (x.late AND EXISTS (SELECT 1 FROM lk WHERE lk.id = x.order_id AND lk.status IN ('expired', 'cancelled')))
      ORDER BY x.provider, x.event_id
      ON CONFLICT DO NOTHING
      RETURNING provider, event_id
    ),
    o AS (
      UPDATE ${s}.orders u SET status = 'paid', provider_ref = x.ref, paid_at = x.now, updated_at = x.now
      FROM x JOIN d ON d.provider = x.provider AND d.event_id = x.event_id
      WHERE u.id = x.order_id AND u.status = 'pending'
      RETURNING u.*, x.i AS batch_i
    ),
    ${paidStatsCte(s)},
    pay AS (
      INSERT INTO ${s}.payments AS p
        (id, order_id, provider, provider_ref, amount, currency, status, created_at, updated_at)
      SELECT x.pay_id, o.id, x.pay_provider, x.ref, x.amount, x.currency, 'succeeded', x.pay_created, x.now
      FROM o JOIN x ON x.i = o.batch_i
      ORDER BY x.pay_id
      ON CONFLICT (id) DO UPDATE SET provider_ref = excluded.provider_ref, amount = excluded.amount,
        currency = excluded.currency, status = excluded.status, updated_at = excluded.updated_at
      RETURNING p.order_id
    ),
    paid AS (SELECT x.* FROM x WHERE x.order_id IN (SELECT order_id FROM pay)),
    ${effectsManyCtes(db, p, { rows: 'paid', order: 'fx.i' })}
    SELECT (d.provider IS NOT NULL)::int AS recorded, o.id IS NOT NULL AS moved, ${orderCols('o.')}
    FROM x LEFT JOIN d ON d.provider = x.provider AND d.event_id = x.event_id LEFT JOIN o ON o.batch_i = x.i
    ORDER BY x.i`
  const { rows } = await db.query<MarkPaidRow>(sql, p.values, { prepared: true })
  return rows
}
