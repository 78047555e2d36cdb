import type { Customer } from '../domain/customer.js'
import type { NewEvent } from '../domain/event.js'
import type { NewNotification } from '../domain/notification.js'
import type { Order, OrderLine, Refund } from '../domain/order.js'
import type { Reward } from '../domain/share.js'
import type { NotificationTopic } from '../loop/options.js'
import type { StorageAdapter } from './storage.js'

/** What the loop lends its plugins and adapters: storage, the clock and id generation. */
export interface LoopContext {
  storage: StorageAdapter
  now(): number
  /** A new unique id with a readable prefix (`ord_…`). */
  newId(prefix: string): string
  /** The loop's own handler, for adapters that deliver to the loop in-process (the sandbox). */
  handle(request: Request): Promise<Response>
  /** An event-log entry stamped with the loop's clock, to pass in a storage call's `effects`. */
  event(
    type: string,
    data: Record<string, unknown>,
    refs?: { customerId?: string | null; orderId?: string | null },
  ): NewEvent
  /**
   * An HTML page of already-escaped markup in the host's layout (`createLoop({ pages })`), for the
   * pages an adapter serves to browsers (the sandbox login and pay pages).
   */
  page(input: { status: number; title: string; body: string; lang?: 'zh' | 'en' }): Response
  /** Tells `loop.on` listeners about events a plugin committed. */
  publish(events: NewEvent[]): void
  /**
   * The outbox rows for a notification topic (rendered with the loop's templates, one per channel
   * that reaches the customer), to pass in a storage call's `effects`. `ref` makes the dedupe key.
   */
  outbox(input: {
    topic: NotificationTopic
    ref: string
    customer: Customer | null
    order?: Order
    refund?: Refund
    reward?: Reward
  }): NewNotification[]
  /**
   * A known customer scanned a share's QR code (its scene is the share token): records the visit so
   * their next order attributes to the sharer. `null` for a token that is not genuine, an unknown
   * share, or the sharer's own scan.
   */
  visitShare(input: {
    token: string
    customerId: string
  }): Promise<{ shareId: string; sharerId: string } | null>
}

/** What a `tick` hook receives. */
export interface TickHookState {
  context: LoopContext
}

/** What a `beforeCheckout` hook receives: the customer and the priced lines, before anything is written. */
export interface CheckoutHookState {
  context: LoopContext
  customer: Customer
  lines: OrderLine[]
}

/** What an `orderPaid` hook receives, after the paid transition is committed. */
export interface OrderHookState {
  context: LoopContext
  order: Order
  customer: Customer | null
}

/** What a `refundSucceeded` hook receives, after the refund is settled. */
export interface RefundHookState {
  context: LoopContext
  order: Order
  refund: Refund
}

/** A route a plugin adds to `loop.fetch`, relative to the loop's base path. */
export interface LoopRoute {
  method: 'GET' | 'POST'
  /** `/wechat/js-config`; `:name` segments become `params.name`. */
  path: string
  handler(input: {
    request: Request
    params: Record<string, string>
    context: LoopContext
    customerId: string | null
  }): Promise<Response>
}

/**
 * A plugin changes the flow: its hooks run inside the loop's steps, in plugin order. A hook that
 * throws a `LoopError` in `beforeCheckout` refuses the checkout. After-hooks run once per change,
 * after the change is committed (they must themselves be idempotent: a crash between the commit and
 * the hook is healed by `loop.recover()`, which re-runs them).
 *
 * To only observe, use `loop.on(…)` instead.
 *
 * @example
 * ```ts
 * const vipOnly: LoopPlugin = {
 *   id: 'vip-only',
 *   hooks: { beforeCheckout: [({ customer }) => { if (!customer.tags.includes('vip')) throw new LoopError({ code: 'forbidden', message: 'VIP only' }) }] },
 * }
 * ```
 */
export interface LoopPlugin {
  id: string
  hooks?: {
    beforeCheckout?: Array<(state: CheckoutHookState) => void | Promise<void>>
    orderPaid?: Array<(state: OrderHookState) => void | Promise<void>>
    refundSucceeded?: Array<(state: RefundHookState) => void | Promise<void>>
    /** Periodic work (releasing held rewards): run by `loop.tick()` and by `loop.start()`'s timer. */
    tick?: Array<(state: TickHookState) => void | Promise<void>>
  }
  routes?: LoopRoute[]
}
