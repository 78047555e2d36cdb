import { withDeadline } from '../_internal/deadline.js'
import type { Effects } from '../contracts/storage.js'
import type { Order, OrderStatus } from '../domain/order.js'
import { isLoopError, loopError } from '../errors.js'
import type { Runtime } from '../loop/runtime.js'
import { campaignOf } from './attribution.js'
import { runOrderPaidHooks } from './hooks.js'
import { outboxFor } from './outbox.js'

async function transition(
  rt: Runtime,
  order: Order,
  from: OrderStatus[],
  to: OrderStatus,
  releaseStock: boolean,
  effects: Effects,
): Promise<Order> {
  const result = await rt.storage.transitionOrder({
    id: order.id,
    from,
    to,
    releaseStock,
    now: rt.now(),
    effects,
  })
  if (!result.order) throw loopError('orders', 'not_found', `No order \`${order.id}\`.`)
  if (result.changed) rt.published(effects)
  else if (result.order.status !== to) {
    throw loopError(
      'orders',
      'invalid_transition',
      `Order ${order.number} is ${result.order.status}; it cannot become ${to}.`,
    )
  }
  return result.order
}

async function load(rt: Runtime, id: string): Promise<Order> {
  const order = await rt.storage.getOrder({ id })
  if (!order) throw loopError('orders', 'not_found', `No order \`${id}\`.`)
  return order
}

/** Marks a paid order shipped and tells the buyer. Replaying it is a no-op. */
export async function fulfilOrder(rt: Runtime, input: { orderId: string }): Promise<Order> {
  const order = await load(rt, input.orderId)
  const customer = await rt.storage.getCustomer({ id: order.customerId })
  return transition(rt, order, ['paid'], 'fulfilled', false, {
    events: [
      rt.event(
        'order.fulfilled',
        { number: order.number },
        { orderId: order.id, customerId: order.customerId },
      ),
    ],
    outbox: outboxFor(rt, 'order.fulfilled', order.id, {
      customer,
      order: { ...order, status: 'fulfilled' },
    }),
  })
}

/**
 * Cancels an unpaid order and releases its stock. The provider's order is closed first, so the
 * buyer can no longer pay it; if the provider says it is already paid, the payment is applied instead.
 */
export async function cancelOrder(
  rt: Runtime,
  input: { orderId: string; reason?: 'cancelled' | 'expired' },
): Promise<Order> {
  const order = await load(rt, input.orderId)
  const to = input.reason ?? 'cancelled'
  if (order.status !== 'pending') {
    if (order.status === to) return order
    throw loopError(
      'orders',
      'invalid_transition',
      `Order ${order.number} is ${order.status}; it cannot become ${to}.`,
    )
  }
  const adapter = rt.payments.get(order.provider)
  const paid = adapter ? await reconcile(rt, order) : null
  if (paid) return paid
  if (adapter?.closePayment) {
    try {
      await adapter.closePayment({ orderNumber: order.number })
    } catch (error) {
      if (!(isLoopError(error) && error.code === 'not_found')) throw error
    }
  }
  return transition(rt, order, ['pending'], to, true, {
    events: [
      rt.event(
        to === 'expired' ? 'order.expired' : 'order.cancelled',
        { number: order.number },
        { orderId: order.id, customerId: order.customerId },
      ),
    ],
  })
}

/**
 * Asks the provider about a pending order (for orders whose webhook never came). A payment the
 * provider confirms, with the right amount, is applied like a webhook; returns the paid order or null.
 */
export async function reconcile(rt: Runtime, order: Order): Promise<Order | null> {
  const adapter = rt.payments.get(order.provider)
  if (!adapter || order.status !== 'pending') return null
  const remote = await adapter.queryPayment({ orderNumber: order.number, providerRef: order.providerRef })
  if (!remote || remote.status !== 'succeeded' || !remote.providerRef) return null
  if (remote.amount !== order.total || remote.currency !== order.currency) {
    const effects: Effects = {
      events: [
        rt.event(
          'payment.suspicious',
          {
            reason: 'amount_mismatch',
            source: 'query',
            number: order.number,
            received: { amount: remote.amount, currency: remote.currency },
          },
          { orderId: order.id },
        ),
      ],
    }
    await rt.storage.appendEvents({ events: effects.events! })
    rt.published(effects)
    return null
  }
  const now = rt.now()
  const customer = await rt.storage.getCustomer({ id: order.customerId })
  const paid: Order = {
    ...order,
    status: 'paid',
    providerRef: remote.providerRef,
    paidAt: remote.paidAt ?? now,
  }
  const effects: Effects = {
    events: [
      rt.event(
        'order.paid',
        {
          number: order.number,
          provider: adapter.id,
          providerRef: remote.providerRef,
          total: order.total,
          currency: order.currency,
          attribution: order.attribution,
          ...campaignOf(order.attribution),
          source: 'query',
        },
        { customerId: order.customerId, orderId: order.id },
      ),
    ],
    outbox: outboxFor(rt, 'order.paid', order.id, { customer, order: paid }),
  }
  const result = await rt.storage.markPaid({
    orderId: order.id,
    delivery: null,
    payment: {
      id: `pay_${order.id}_${adapter.id}`,
      orderId: order.id,
      provider: adapter.id,
      providerRef: remote.providerRef,
      amount: order.total,
      currency: order.currency,
      status: 'succeeded',
      createdAt: now,
      updatedAt: now,
    },
    now,
    effects,
  })
  if (!result.changed || !result.order) return result.order?.status === 'paid' ? result.order : null
  rt.published(effects)
  await runOrderPaidHooks(rt, result.order, customer)
  return result.order
}

/** Expires unpaid orders past their time (releasing stock), after one last query to the provider. */
export async function expireDue(
  rt: Runtime,
  input: { limit?: number } = {},
): Promise<{ expired: number; paid: number }> {
  const due = await withDeadline(
    rt.storage.listExpiredOrders({ now: rt.now(), limit: input.limit ?? 100 }),
    rt.config.adapterTimeoutMs,
    'listing expired orders',
  )
  let expired = 0
  let paid = 0
  for (const order of due) {
    try {
      // One order's provider query hanging must not hold up the rest.
      const after = await withDeadline(
        cancelOrder(rt, { orderId: order.id, reason: 'expired' }),
        rt.config.adapterTimeoutMs,
        `expiring order ${order.number}`,
      )
      if (after.status === 'expired') expired++
      else if (after.status === 'paid') paid++
    } catch (error) {
      // A payment (or a cancel) won the race at the deadline: the outcome is right, nothing to report.
      if (isLoopError(error) && error.code === 'invalid_transition') {
        if ((await rt.storage.getOrder({ id: order.id }))?.status === 'paid') paid++
        continue
      }
      rt.reportError(error, `expiring order ${order.number}`)
    }
  }
  return { expired, paid }
}
