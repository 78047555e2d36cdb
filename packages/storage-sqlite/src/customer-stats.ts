import type { Order } from '@loopkit/core'
import { rfmDelta } from '@loopkit/core/kit'
import type { Db } from './_internal/db.js'

// One row per (customer, currency): counted orders, net spend and the last payment time, kept in
// the transaction that changes the order so a segment never scans orders. The last-paid time only
// moves forward (max() of SQLite returns NULL if any argument is, hence the coalesces).
const UPSERT = `INSERT INTO customer_stats (customer_id, currency, orders, spent, last_paid_at)
  VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (customer_id, currency) DO UPDATE SET
    orders = orders + excluded.orders,
    spent = spent + excluded.spent,
    last_paid_at = max(coalesce(last_paid_at, excluded.last_paid_at), coalesce(excluded.last_paid_at, last_paid_at))`

// The cross-currency figures live on the customer row, where a segment scan reads them for free.
const CUSTOMER = `UPDATE customers SET order_count = order_count + ?,
  last_order_at = max(coalesce(last_order_at, ?), coalesce(?, last_order_at))
  WHERE id = ?`

/** Folds a merged customer's aggregates into the survivor's, in the merge's transaction. */
export const MERGE_STATS = [
  `UPDATE customers SET
     order_count = order_count + (SELECT order_count FROM customers WHERE id = @M),
     last_order_at = (SELECT max(last_order_at) FROM customers WHERE id IN (@S, @M))
   WHERE id = @S`,
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
  // Positional parameters: binding an object looks every name up, on the path of each payment.
  db.q(UPSERT).run(after.customerId, after.currency, delta.orders, delta.spent, delta.paidAt)
  if (delta.orders !== 0 || delta.paidAt !== null)
    db.q(CUSTOMER).run(delta.orders, delta.paidAt, delta.paidAt, after.customerId)
}
