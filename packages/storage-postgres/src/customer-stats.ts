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
 * CTEs (`name`, with `name_r`, `name_d`, `name_l` and `name_c`) that apply what orders moving from
 * `before` to `after` change in their customers' aggregates — one UPSERT into `customer_stats` and,
 * when the count or the last payment moves, the customer row's `order_count` / `last_order_at` —
 * inside the statement that moves the orders, so they all commit together. The rule is core's
 * `rfmDelta` (counted statuses, net spend, a last-paid time that only moves forward); rows with
 * nothing to change are skipped.
 *
 * `from` may hold many orders (a batch of payments), several of one customer: their changes are
 * summed per customer first (an UPSERT or an UPDATE … FROM changes a row once per statement), and
 * the rows are locked in key order — stats rows, then customer rows (in the mode the UPDATE takes,
 * so foreign-key checks are not blocked) — so two statements touching the same customers never
 * wait for each other in a cycle.
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
  return `${x.name}_r AS (
      SELECT ${x.customer} AS customer_id, ${x.currency} AS currency, ${dOrders} AS d_orders,
             ${dSpent} AS d_spent, ${paid}::bigint AS paid
      FROM ${x.from}
    ),
    ${x.name}_d AS (
      SELECT customer_id, currency, sum(d_orders)::int AS d_orders, sum(d_spent)::bigint AS d_spent,
             max(paid) AS paid
      FROM ${x.name}_r GROUP BY customer_id, currency
    ),
    ${x.name} AS (
      INSERT INTO ${s}.customer_stats AS cs (customer_id, currency, orders, spent, last_paid_at)
      SELECT customer_id, currency, d_orders, d_spent, paid FROM ${x.name}_d
      WHERE d_orders <> 0 OR d_spent <> 0 OR paid IS NOT NULL
      ORDER BY customer_id, currency
      ON CONFLICT (customer_id, currency) DO UPDATE SET
        orders = cs.orders + excluded.orders,
        spent = cs.spent + excluded.spent,
        last_paid_at = GREATEST(cs.last_paid_at, excluded.last_paid_at)
      RETURNING 1
    ),
    ${x.name}_l AS MATERIALIZED (
      SELECT c.id FROM ${s}.customers c
      WHERE c.id IN (SELECT customer_id FROM ${x.name}_d WHERE d_orders <> 0 OR paid IS NOT NULL)
        AND (SELECT count(*) FROM ${x.name}) >= 0
      ORDER BY c.id FOR NO KEY UPDATE
    ),
    ${x.name}_c AS (
      UPDATE ${s}.customers c SET order_count = c.order_count + d.d_orders,
        last_order_at = GREATEST(c.last_order_at, d.paid)
      FROM (SELECT customer_id, sum(d_orders)::int AS d_orders, max(paid) AS paid FROM ${x.name}_d GROUP BY customer_id) d
      WHERE c.id = d.customer_id AND (d.d_orders <> 0 OR d.paid IS NOT NULL)
        AND c.id IN (SELECT id FROM ${x.name}_l)
    )`
}

/** Statements folding a merged customer's aggregates into the survivor's ($1 survivor, $2 merged). */
export const mergeStats = (s: string) => [
  `UPDATE ${s}.customers c SET order_count = c.order_count + m.order_count,
     last_order_at = GREATEST(c.last_order_at, m.last_order_at)
   FROM ${s}.customers m WHERE c.id = $1 AND m.id = $2 AND m.id <> $1`,
  `INSERT INTO ${s}.customer_stats AS cs (customer_id, currency, orders, spent, last_paid_at)
     SELECT $1::text, currency, orders, spent, last_paid_at FROM ${s}.customer_stats WHERE customer_id = $2::text
     ON CONFLICT (customer_id, currency) DO UPDATE SET
       orders = cs.orders + excluded.orders,
       spent = cs.spent + excluded.spent,
       last_paid_at = GREATEST(cs.last_paid_at, excluded.last_paid_at)`,
  `DELETE FROM ${s}.customer_stats WHERE customer_id = $2 AND customer_id <> $1`,
]

/**
 * The aggregates of a pending order the CTE `o` just moved to paid (`UPDATE … RETURNING`): one more
 * order and its total for its customer, and the payment time.
 */
export function paidStatsCte(s: string): string {
  return statsCte(s, {
    name: 'st',
    from: 'o',
    customer: 'o.customer_id',
    currency: 'o.currency',
    total: 'o.total',
    before: { status: `'pending'`, refunded: 'o.refunded', paidAt: 'NULL::bigint' },
    after: { status: 'o.status', refunded: 'o.refunded', paidAt: 'o.paid_at' },
  })
}
