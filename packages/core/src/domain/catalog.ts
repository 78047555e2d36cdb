/** A sellable unit with a price and, optionally, a finite stock and a per-customer limit. */
export interface Sku {
  id: string
  title: string
  description: string | null
  imageUrl: string | null
  /** Minor units of `currency`. */
  price: number
  currency: string
  /**
   * Units available to sell; `null` means not stock-tracked. Units held by pending orders are
   * already taken out (a checkout reserves them, an expiry or cancel gives them back), so this is
   * what the next buyer can have, never "units on the shelf". `catalog.put` applies it only when
   * it creates the SKU; change it with `catalog.setStock` or `catalog.adjustStock`.
   */
  stock: number | null
  active: boolean
  /**
   * At most this many units per customer, counted over their pending, paid, fulfilled and
   * partially refunded orders (an expired, cancelled or fully refunded order frees its units).
   * Absent (or `null`) means no limit, and such a SKU pays nothing for the check.
   */
  limitPerCustomer?: number | null
}

/** Order statuses whose units count against a SKU's `limitPerCustomer`. */
export const limitCountingStatuses = ['pending', 'paid', 'fulfilled', 'partially_refunded'] as const
