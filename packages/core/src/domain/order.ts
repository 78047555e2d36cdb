import { loopError } from '../errors.js'

/** Where an order is in its life; {@link orderTransitions} lists the allowed moves. */
export type OrderStatus =
  | 'pending'
  | 'paid'
  | 'fulfilled'
  | 'expired'
  | 'cancelled'
  | 'refunded'
  | 'partially_refunded'

/** One line of an order, priced from the catalogue at checkout. */
export interface OrderLine {
  skuId: string
  title: string
  quantity: number
  /** Minor units. */
  unitPrice: number
}

/** A share visit brought the order: the sharer is credited (rewards, friend analytics). */
export interface ShareAttribution {
  shareId: string
  sharerId: string
  visitedAt: number
  campaignId?: undefined
}

/** A campaign link brought the order (`GET /c/:token`). */
export interface CampaignAttribution {
  campaignId: string
  visitedAt: number
  shareId?: undefined
  sharerId?: undefined
}

/**
 * What brought this order, decided once at checkout: the most recent share or campaign visit
 * inside the attribution window (last touch). Tell them apart by `shareId` or `campaignId`.
 */
export type Attribution = ShareAttribution | CampaignAttribution

/** An order: lines, total in minor units, status, provider, and the share it is attributed to. */
export interface Order {
  id: string
  /** Valid as a WeChat `out_trade_no`: `^[0-9A-Za-z_\-|*]{6,32}$`. */
  number: string
  customerId: string
  lines: OrderLine[]
  /** Minor units of `currency`. */
  total: number
  currency: string
  status: OrderStatus
  /** The payment provider chosen at checkout. */
  provider: string
  idempotencyKey: string | null
  attribution: Attribution | null
  /** Minor units refunded so far (succeeded refunds). */
  refunded: number
  /** The provider's transaction reference once paid. */
  providerRef: string | null
  createdAt: number
  expiresAt: number
  paidAt: number | null
  updatedAt: number
}

/** The statuses an order may move to from each status. Replays of a transition are no-ops. */
export const orderTransitions: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['paid', 'expired', 'cancelled'],
  paid: ['fulfilled', 'refunded', 'partially_refunded'],
  fulfilled: ['refunded', 'partially_refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  expired: [],
  cancelled: [],
  refunded: [],
}

/**
 * The statuses of `from` a compare-and-set may move to `to`, after checking that every one of them
 * is a move {@link orderTransitions} allows. Every storage adapter calls it before its
 * compare-and-set, so an illegal move (`expired → paid`, `refunded → pending`) is refused the same
 * way everywhere: a `LoopError` `invalid_transition`, and nothing changes. Checking the request,
 * not the row, means the answer does not depend on which status the order happens to be in.
 *
 * @example
 * ```ts
 * legalSources({ from: ['pending'], to: 'paid' }) // ['pending']
 * legalSources({ from: ['expired'], to: 'paid' }) // throws invalid_transition
 * ```
 */
export function legalSources(input: { from: readonly OrderStatus[]; to: OrderStatus }): OrderStatus[] {
  const { from, to } = input
  if (!Object.hasOwn(orderTransitions, to)) {
    throw loopError('orders', 'invalid_transition', `\`${String(to)}\` is not an order status.`)
  }
  if (from.length === 0) {
    throw loopError('orders', 'invalid_transition', `A move to ${to} must name the statuses it starts from.`)
  }
  for (const f of from) {
    if (!Object.hasOwn(orderTransitions, f) || !orderTransitions[f].includes(to)) {
      throw loopError('orders', 'invalid_transition', `An order cannot move from ${String(f)} to ${to}.`)
    }
  }
  return [...new Set(from)]
}

/** Statuses in which an order holds its stock. */
export const stockHoldingStatuses: readonly OrderStatus[] = [
  'pending',
  'paid',
  'fulfilled',
  'partially_refunded',
  'refunded',
]

/** The rule every order number satisfies: WeChat Pay's `out_trade_no` (6–32 of `[0-9A-Za-z_-|*]`). */
export const orderNumberPattern = /^[0-9A-Za-z_\-|*]{6,32}$/

/** The state of one payment attempt. */
export type PaymentStatus = 'pending' | 'succeeded' | 'failed'

/** One payment attempt with a provider. */
export interface Payment {
  id: string
  orderId: string
  provider: string
  providerRef: string | null
  amount: number
  currency: string
  status: PaymentStatus
  createdAt: number
  updatedAt: number
}

/** The state of a refund: requested, confirmed by the provider, or refused. */
export type RefundStatus = 'pending' | 'succeeded' | 'failed'

/** A full or partial refund of an order. */
export interface Refund {
  id: string
  orderId: string
  /** Sent to the provider as its idempotency key (WeChat `out_refund_no`). */
  number: string
  amount: number
  currency: string
  reason: string | null
  status: RefundStatus
  providerRef: string | null
  createdAt: number
  updatedAt: number
}
