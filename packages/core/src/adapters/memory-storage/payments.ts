import type { Effects, StorageAdapter, WebhookDelivery } from '../../contracts/storage.js'
import type { Payment, Refund } from '../../domain/order.js'
import { copy, copyOrNull, key, type MemoryState, writeEffects } from './state.js'

type PaymentOps = Pick<StorageAdapter, 'savePayment' | 'listPayments' | 'recordWebhook' | 'markPaid'>

/** Records a delivery; `false` when it was already recorded. */
export function recordDelivery(state: MemoryState, delivery: WebhookDelivery | null | undefined): boolean {
  if (!delivery) return true
  const k = key(delivery.provider, delivery.eventId)
  if (state.webhooks.has(k)) return false
  state.webhooks.add(k)
  return true
}

function storePayment(state: MemoryState, payment: Payment): Payment {
  const stored = copy(payment)
  state.payments.set(stored.id, stored)
  return stored
}

/** The refund of a late payment: created pending with its effects, or the one with its number. */
function lateRefund(
  state: MemoryState,
  late: { refund: Refund; effects?: Effects | undefined },
): { refund: Refund; created: boolean } {
  const existing = state.refundNumbers.get(late.refund.number)
  if (existing !== undefined) return { refund: copy(state.refunds.get(existing)!), created: false }
  const stored = copy(late.refund)
  state.refunds.set(stored.id, stored)
  state.refundNumbers.set(stored.number, stored.id)
  writeEffects(state, late.effects, stored.createdAt)
  return { refund: copy(stored), created: true }
}

export function paymentOps(state: MemoryState): PaymentOps {
  return {
    async savePayment({ payment }) {
      return copy(storePayment(state, payment))
    },

    async listPayments({ orderId }) {
      return [...state.payments.values()]
        .filter((p) => p.orderId === orderId)
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
        .map(copy)
    },

    async recordWebhook({ delivery, effects }) {
      if (!recordDelivery(state, delivery)) return { first: false }
      writeEffects(state, effects, delivery.receivedAt)
      return { first: true }
    },

    async markPaid({ orderId, delivery, payment, now, effects, late }) {
      const order = state.orders.get(orderId)
      if (!recordDelivery(state, delivery))
        return { order: copyOrNull(order), changed: false, duplicate: true }
      if (order && late && (order.status === 'expired' || order.status === 'cancelled')) {
        storePayment(state, { ...payment, status: 'succeeded', updatedAt: now })
        return { order: copy(order), changed: false, duplicate: false, late: lateRefund(state, late) }
      }
      if (!order || order.status !== 'pending')
        return { order: copyOrNull(order), changed: false, duplicate: false }
      order.status = 'paid'
      order.providerRef = payment.providerRef ?? order.providerRef
      order.paidAt = now
      order.updatedAt = now
      storePayment(state, { ...payment, status: 'succeeded', updatedAt: now })
      writeEffects(state, effects, now)
      return { order: copy(order), changed: true, duplicate: false }
    },
  }
}
