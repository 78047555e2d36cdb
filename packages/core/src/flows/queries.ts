import { defined } from '../_internal/defined.js'
import type { LoopEventRecord } from '../domain/event.js'
import type { Notification } from '../domain/notification.js'
import type { Order, Refund } from '../domain/order.js'
import type { Reward, Share } from '../domain/share.js'
import { loopError } from '../errors.js'
import type { Runtime } from '../loop/runtime.js'
import { recordId } from '../schemas/common.js'
import { notificationListInput, orderListInput, orderNumber, orderRef } from '../schemas/orders.js'
import { eventListInput, rewardListInput, shareListInput } from '../schemas/shares.js'
import { parseInput } from '../schemas.js'
import { reconcile } from './lifecycle.js'
import { reconcileRefunds } from './reconcile-refunds.js'

// The read side of the programmatic API. Every input is parsed first: a storage adapter given a
// `limit` of -1 or a status of 'paid ' would answer something, and the caller would trust it.

/** `loop.orders.get()`. */
export async function getOrder(rt: Runtime, raw: unknown): Promise<Order | null> {
  return rt.storage.getOrder({ id: parseInput(recordId, raw, 'orders') })
}

/** `loop.orders.getByNumber()`. */
export async function getOrderByNumber(rt: Runtime, raw: unknown): Promise<Order | null> {
  return rt.storage.getOrderByNumber({ number: parseInput(orderNumber, raw, 'orders') })
}

/**
 * The id a customer goes by now: a customer merged into another (a login that revealed a shared
 * unionid) answers the survivor's id, so a device whose session still names the merged id sees the
 * survivor's orders and messages. An unknown id is returned as given (its lists are empty).
 */
export async function currentCustomerId(rt: Runtime, customerId: string): Promise<string> {
  return (await rt.storage.getCustomer({ id: customerId }))?.id ?? customerId
}

/** `loop.orders.list()`: newest first, 50 by default. */
export async function listOrders(rt: Runtime, raw: unknown = {}): Promise<Order[]> {
  const input = defined(parseInput(orderListInput, raw, 'orders'))
  if (input.customerId) input.customerId = await currentCustomerId(rt, input.customerId)
  return rt.storage.listOrders({ ...input, limit: input.limit ?? 50 })
}

/** `loop.orders.reconcile()`: asks the provider about a pending order and its pending refunds. */
export async function reconcileOrder(rt: Runtime, raw: unknown): Promise<Order | null> {
  const { orderId } = parseInput(orderRef, raw, 'orders')
  const order = await rt.storage.getOrder({ id: orderId })
  if (!order) throw loopError('orders', 'not_found', `No order \`${orderId}\`.`)
  await reconcile(rt, order)
  await reconcileRefunds(rt, { orderId: order.id })
  return rt.storage.getOrder({ id: orderId })
}

/** `loop.refunds.list()`. */
export async function listRefunds(rt: Runtime, raw: unknown): Promise<Refund[]> {
  return rt.storage.listRefunds(parseInput(orderRef, raw, 'refund'))
}

/** `loop.notify.list()`. */
export async function listNotifications(rt: Runtime, raw: unknown = {}): Promise<Notification[]> {
  const input = defined(parseInput(notificationListInput, raw, 'notify'))
  if (input.customerId) input.customerId = await currentCustomerId(rt, input.customerId)
  return rt.storage.listNotifications({ ...input, limit: input.limit ?? 50 })
}

/** `loop.shares.list()`. */
export async function listShares(rt: Runtime, raw: unknown = {}): Promise<Share[]> {
  const input = defined(parseInput(shareListInput, raw, 'share'))
  return rt.storage.listShares({ ...input, limit: input.limit ?? 50 })
}

/** `loop.rewards.list()`. */
export async function listRewards(rt: Runtime, raw: unknown = {}): Promise<Reward[]> {
  const input = defined(parseInput(rewardListInput, raw, 'rewards'))
  return rt.storage.listRewards({ ...input, limit: input.limit ?? 100 })
}

/** `loop.analytics.events()`: the event log after a seq, oldest first. */
export async function listEvents(rt: Runtime, raw: unknown = {}): Promise<LoopEventRecord[]> {
  const input = defined(parseInput(eventListInput, raw, 'analytics'))
  return rt.storage.listEvents({ ...input, limit: input.limit ?? 100 })
}
