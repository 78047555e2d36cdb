import type { Order } from '@loopkit/core'
import { rfmDelta } from '@loopkit/core'
import type { Db } from './_internal/db.js'

// One row per (customer, currency): counted orders, net spend and the last payment time, kept in
// the transaction that changes the order so a segment never scans orders. The last-paid time only
// moves forward (max() of SQLite returns NULL if any argument is, hence the coalesces).
const UPSERT = `INSERT INTO customer_stats (customer_id, currency, orders, spent, last_paid_at)
  VALUES (@customer, @currency, @orders, @spent, @paidAt)
  ON CONFLICT (customer_id, currency) DO UPDATE SET
    orders = orders + excluded.orders,
    spent = spent + excluded.spent,
    last_paid_at = max(coalesce(last_paid_at, excluded.last_paid_at), coalesce(excluded.last_paid_at, last_paid_at))`

/** Folds a merged customer's aggregates into the survivor's, in the merge's transaction. */
export const MERGE_STATS = [
  `INSERT INTO customer_stats (customer_id, currency, orders, spent, last_paid_at)
     SELECT @S, currency, orders, spent, last_paid_at FROM customer_stats WHERE customer_id = @M
     ON CONFLICT (customer_id, currency) DO UPDATE SET
       orders = orders + excluded.orders,
       spent = spent + excluded.spent,
       last_paid_at = max(coalesce(last_paid_at, excluded.last_paid_at), coalesce(excluded.last_paid_at, last_paid_at))`,
  'DELETE FROM customer_stats WHERE customer_id = @M',
]

/**
 * Applies what an order's move from `before` to `after` changes in its customer's aggregates (one
 * UPSERT, or nothing), inside the caller's transaction. Core's `rfmDelta` decides, so every adapter
 * counts the same orders.
 */
export function applyRfm(db: Db, before: Order, after: Order): void {
  const delta = rfmDelta(before, after)
  if (!delta) return
  db.q(UPSERT).run({
    customer: after.customerId,
    currency: after.currency,
    orders: delta.orders,
    spent: delta.spent,
    paidAt: delta.paidAt,
  })
}
