import type { StorageAdapter } from '../../contracts/storage.js'
import type { Order, OrderStatus, Refund } from '../../domain/order.js'
import { loopError } from '../../errors.js'
import { recordDelivery } from './payments.js'
import { copy, copyOrNull, type MemoryState, writeEffects } from './state.js'

type RefundOps = Pick<
  StorageAdapter,
  'createRefund' | 'getRefund' | 'getRefundByNumber' | 'listRefunds' | 'settleRefund'
>

/** The order's status once `refunded` of its `total` has been paid back. */
export function refundedStatus(
  order: Pick<Order, 'total'>,
  refunded: number,
): 'refunded' | 'partially_refunded' {
  return refunded >= order.total ? 'refunded' : 'partially_refunded'
}

/** The order statuses a settled refund moves (a paid sale); see `StorageAdapter.settleRefund`. */
export const refundableStatuses: readonly OrderStatus[] = ['paid', 'fulfilled', 'partially_refunded']

export function refundOps(state: MemoryState, scope: string): RefundOps {
  const refundsOf = (orderId: string): Refund[] =>
    [...state.refunds.values()].filter((r) => r.orderId === orderId)

  return {
    async createRefund({ refund, effects }) {
      const existing = state.refundNumbers.get(refund.number)
      if (existing !== undefined) return { refund: copy(state.refunds.get(existing)!), created: false }
      if (!Number.isSafeInteger(refund.amount) || refund.amount < 1) {
        throw loopError(
          scope,
          'invalid_input',
          `Refund amount must be a positive integer of minor units, got ${refund.amount}.`,
        )
      }
      const order = state.orders.get(refund.orderId)
      if (!order) throw loopError(scope, 'not_found', `Order \`${refund.orderId}\` does not exist.`)
      if (refund.currency !== order.currency) {
        throw loopError(
          scope,
          'invalid_input',
          `Refund currency ${refund.currency} differs from the order's ${order.currency}.`,
        )
      }
      if (state.refunds.has(refund.id))
        throw loopError(scope, 'conflict', `Refund \`${refund.id}\` already exists.`)
      const committed = refundsOf(order.id)
        .filter((r) => r.status !== 'failed')
        .reduce((sum, r) => sum + r.amount, 0)
      if (committed + refund.amount > order.total) {
        throw loopError(
          scope,
          'refund_exceeds_paid',
          `Refund of ${refund.amount} exceeds what is left of order \`${order.id}\` (${order.total - committed}).`,
        )
      }
      const stored = copy(refund)
      state.refunds.set(stored.id, stored)
      state.refundNumbers.set(stored.number, stored.id)
      writeEffects(state, effects, refund.createdAt)
      return { refund: copy(stored), created: true }
    },

    async getRefund({ id }) {
      return copyOrNull(state.refunds.get(id))
    },

    async getRefundByNumber({ number }) {
      const id = state.refundNumbers.get(number)
      return id === undefined ? null : copyOrNull(state.refunds.get(id))
    },

    async listRefunds({ orderId, status, updatedBefore, limit }) {
      return [...state.refunds.values()]
        .filter(
          (r) =>
            (orderId === undefined || r.orderId === orderId) &&
            (status === undefined || r.status === status) &&
            (updatedBefore === undefined || r.updatedAt <= updatedBefore),
        )
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
        .slice(0, limit === undefined ? undefined : Math.max(0, limit))
        .map(copy)
    },

    async settleRefund({ id, status, providerRef, delivery, now, effects }) {
      const refund = state.refunds.get(id)
      const orderOf = () => (refund ? copyOrNull(state.orders.get(refund.orderId)) : null)
      if (!recordDelivery(state, delivery)) {
        return { refund: copyOrNull(refund), order: orderOf(), changed: false, duplicate: true }
      }
      if (!refund || refund.status !== 'pending') {
        return { refund: copyOrNull(refund), order: orderOf(), changed: false, duplicate: false }
      }
      refund.status = status
      if (providerRef !== undefined && providerRef !== null) refund.providerRef = providerRef
      refund.updatedAt = now
      const order = state.orders.get(refund.orderId)
      // A late payment's refund pays back money for an order that never held it: the order stays
      // expired/cancelled rather than turning into a refunded sale.
      if (order && status === 'succeeded' && refundableStatuses.includes(order.status)) {
        order.refunded += refund.amount
        order.status = refundedStatus(order, order.refunded)
        order.updatedAt = now
      }
      writeEffects(state, effects, now)
      return { refund: copy(refund), order: copyOrNull(order), changed: true, duplicate: false }
    },
  }
}
