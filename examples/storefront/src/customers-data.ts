import type { Audience, AudienceFilter, Customer, Loop } from '@loopkit/core'
import { orderRfm } from '@loopkit/core/kit'
import { audienceFromForm, type FilterForm, formIsEmpty } from './audience-form.js'

/** Customers per page of `/admin/customers`. */
export const CUSTOMERS_PAGE = 20

/** One row of the customer table: the customer and their RFM figures. */
export interface CustomerRow {
  customer: Customer
  /** Counted orders (paid, fulfilled, partly refunded). */
  orders: number
  /** Spent in CNY fen, net of refunds. */
  spent: number
  /** When they last paid for an order; null if never. */
  lastPaidAt: number | null
}

/** What `/admin/customers` shows. */
export interface CustomersData {
  rows: CustomerRow[]
  next: string | null
  /** How many match: the audience's count, or the ad-hoc filter's. */
  count: number
  /** The pool's size, for "N of M". */
  total: number
  /** The filter the list and count use (the audience's, or the one the form built). */
  where: AudienceFilter | null
  /** The audience chosen instead of the builder, if any. */
  audience: Audience | null
  audiences: Audience[]
  /** Sizes of the saved and built-in audiences, by id. */
  sizes: Map<string, number>
}

/** The RFM figures of one customer, from their orders (a page shows at most {@link CUSTOMERS_PAGE}). */
async function rowOf(loop: Loop, customer: Customer): Promise<CustomerRow> {
  const orders = await loop.orders.list({ customerId: customer.id, limit: 1000 })
  let count = 0
  let spent = 0
  let lastPaidAt: number | null = null
  for (const o of orders) {
    const r = orderRfm(o)
    count += r.orders
    if (o.currency === 'CNY') spent += r.spent
    if (o.paidAt !== null && (lastPaidAt === null || o.paidAt > lastPaidAt)) lastPaidAt = o.paidAt
  }
  return { customer, orders: count, spent, lastPaidAt }
}

/**
 * A page of the pool — everyone, the builder's ad-hoc filter, or a saved audience's members — with
 * the count, and every audience with its size. Bad filter fields throw `invalid_input` before
 * anything is read.
 */
export async function customersData(
  loop: Loop,
  input: { form: FilterForm; audience: string; after: string | null; now?: number },
): Promise<CustomersData> {
  const now = input.now ?? Date.now()
  const audience = input.audience ? await loop.audiences.get(input.audience) : null
  const where = audience ? audience.where : formIsEmpty(input.form) ? null : audienceFromForm(input.form, now)
  const page = { after: input.after, limit: CUSTOMERS_PAGE }
  const [listed, count, total, audiences] = await Promise.all([
    audience
      ? loop.audiences.members(audience.id, page)
      : loop.customers.list({ ...(where ? { where } : {}), ...page }),
    audience ? loop.audiences.count(audience.id) : loop.customers.count(where ? { where } : {}),
    loop.customers.count(),
    loop.audiences.list(),
  ])
  const sizes = new Map(
    await Promise.all(audiences.map(async (a) => [a.id, await loop.audiences.count(a.id)] as const)),
  )
  const rows = await Promise.all(listed.customers.map((c) => rowOf(loop, c)))
  return { rows, next: listed.next, count, total, where, audience, audiences, sizes }
}
