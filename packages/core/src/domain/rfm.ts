import type { Order, OrderStatus } from './order.js'

/**
 * The order statuses audiences count as a purchase: paid, fulfilled, or partly refunded. A fully
 * refunded (or never paid) order does not count.
 */
export const countedOrderStatuses: readonly OrderStatus[] = ['paid', 'fulfilled', 'partially_refunded']

/** What one order adds to its customer's RFM figures. */
export interface OrderRfm {
  /** 1 for a counted order, else 0. */
  orders: number
  /** Minor units: the total net of succeeded refunds for a counted order, else 0. */
  spent: number
}

/**
 * What an order adds to its customer's order count and spend. SQL adapters keep per-customer
 * aggregates and apply `after − before` in the transaction that changes the order; the memory
 * adapter sums it over the orders — both must agree.
 *
 * @example
 * ```ts
 * orderRfm({ status: 'partially_refunded', total: 8800, refunded: 800 }) // { orders: 1, spent: 8000 }
 * ```
 */
export function orderRfm(order: Pick<Order, 'status' | 'total' | 'refunded'>): OrderRfm {
  return countedOrderStatuses.includes(order.status)
    ? { orders: 1, spent: order.total - order.refunded }
    : { orders: 0, spent: 0 }
}

/**
 * The change to a customer's aggregates when an order moves from `before` to `after`; `null` when
 * nothing changes (so the hot path writes nothing). `paidAt` is set when the order newly carries one:
 * the last-order time only moves forward.
 *
 * @example
 * ```ts
 * rfmDelta(pending, paid) // { orders: 1, spent: 8800, paidAt: 1767225600000 }
 * ```
 */
export function rfmDelta(
  before: Pick<Order, 'status' | 'total' | 'refunded' | 'paidAt'>,
  after: Pick<Order, 'status' | 'total' | 'refunded' | 'paidAt'>,
): { orders: number; spent: number; paidAt: number | null } | null {
  const a = orderRfm(before)
  const b = orderRfm(after)
  const paidAt = after.paidAt !== null && after.paidAt !== before.paidAt ? after.paidAt : null
  const delta = { orders: b.orders - a.orders, spent: b.spent - a.spent, paidAt }
  return delta.orders === 0 && delta.spent === 0 && paidAt === null ? null : delta
}
