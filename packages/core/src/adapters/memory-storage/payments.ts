import type { StorageAdapter, WebhookDelivery } from '../../contracts/storage.js'
import type { Payment } from '../../domain/order.js'
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

    async markPaid({ orderId, delivery, payment, now, effects }) {
      const order = state.orders.get(orderId)
      if (!recordDelivery(state, delivery))
        return { order: copyOrNull(order), changed: false, duplicate: true }
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
