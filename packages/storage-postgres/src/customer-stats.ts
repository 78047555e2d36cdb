/** SQL expressions of one order's state, before or after a change. */
interface OrderState {
  status: string
  refunded: string
  paidAt: string
}

const counted = (status: string) => `(${status} IN ('paid', 'fulfilled', 'partially_refunded'))`
const spend = (total: string, o: OrderState) =>
  `(CASE WHEN ${counted(o.status)} THEN ${total} - ${o.refunded} ELSE 0 END)`

/**
 * A CTE (`name`) that applies what orders moving from `before` to `after` change in their
 * customers' aggregates: one UPSERT into `customer_stats` inside the statement that moves the
 * order, so the two commit together. The rule is core's `rfmDelta` (counted statuses, net spend,
 * a last-paid time that only moves forward); rows with nothing to change are skipped.
 */
export function statsCte(
  s: string,
  x: {
    name: string
    from: string
    customer: string
    currency: string
    total: string
    before: OrderState
    after: OrderState
  },
): string {
  const dOrders = `(${counted(x.after.status)}::int - ${counted(x.before.status)}::int)`
  const dSpent = `(${spend(x.total, x.after)} - ${spend(x.total, x.before)})`
  const paid = `(CASE WHEN ${x.after.paidAt} IS DISTINCT FROM ${x.before.paidAt} THEN ${x.after.paidAt} END)`
  return `${x.name} AS (
    INSERT INTO ${s}.customer_stats AS cs (customer_id, currency, orders, spent, last_paid_at)
    SELECT customer_id, currency, d_orders, d_spent, paid FROM (
      SELECT ${x.customer} AS customer_id, ${x.currency} AS currency, ${dOrders} AS d_orders,
             ${dSpent} AS d_spent, ${paid}::bigint AS paid
      FROM ${x.from}) AS delta
    WHERE d_orders <> 0 OR d_spent <> 0 OR paid IS NOT NULL
    ON CONFLICT (customer_id, currency) DO UPDATE SET
      orders = cs.orders + excluded.orders,
      spent = cs.spent + excluded.spent,
      last_paid_at = GREATEST(cs.last_paid_at, excluded.last_paid_at)
  )`
}

/** Statements folding a merged customer's aggregates into the survivor's ($1 survivor, $2 merged). */
export const mergeStats = (s: string) => [
  `INSERT INTO ${s}.customer_stats AS cs (customer_id, currency, orders, spent, last_paid_at)
     SELECT $1::text, currency, orders, spent, last_paid_at FROM ${s}.customer_stats WHERE customer_id = $2::text
     ON CONFLICT (customer_id, currency) DO UPDATE SET
       orders = cs.orders + excluded.orders,
       spent = cs.spent + excluded.spent,
       last_paid_at = GREATEST(cs.last_paid_at, excluded.last_paid_at)`,
  `DELETE FROM ${s}.customer_stats WHERE customer_id = $2 AND customer_id <> $1`,
]
