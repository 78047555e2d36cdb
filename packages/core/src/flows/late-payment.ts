import type { PaymentAdapter, WebhookEvent } from '../contracts/payment.js'
import type { Effects } from '../contracts/storage.js'
import type { Order, Refund } from '../domain/order.js'
import type { Runtime } from '../loop/runtime.js'
import { sendRefund } from './refund-provider.js'

type PaymentSucceeded = Extract<WebhookEvent, { kind: 'payment.succeeded' }>

/**
 * What `markPaid` writes if the money arrives for an order that no longer holds stock (expired or
 * cancelled): a pending refund of the whole payment and its events. The storage writes them in the
 * same step as the delivery, so the refund is durable before the provider is ever asked for it.
 */
export function lateRefundFor(
  rt: Runtime,
  order: Order,
  event: PaymentSucceeded,
): { refund: Refund; effects: Effects } {
  const now = rt.now()
  const refund: Refund = {
    id: `ref_late_${order.id}`,
    orderId: order.id,
    number: `L${order.number}`.slice(0, 32),
    amount: event.amount,
    currency: event.currency,
    reason: 'order expired before payment',
    status: 'pending',
    providerRef: null,
    createdAt: now,
    updatedAt: now,
  }
  const refs = { customerId: order.customerId, orderId: order.id }
  return {
    refund,
    effects: {
      events: [
        rt.event(
          'payment.late',
          {
            number: order.number,
            status: order.status,
            providerRef: event.providerRef,
            amount: event.amount,
          },
          refs,
        ),
        rt.event('refund.requested', { number: refund.number, amount: refund.amount, late: true }, refs),
      ],
    },
  }
}

/**
 * Asks the provider to pay a late payment back. A failure is reported and left to refund
 * reconciliation (`loop.refunds.reconcile()`, run by `start()`), which retries the same refund.
 */
export async function refundLatePayment(
  rt: Runtime,
  input: { adapter: PaymentAdapter; order: Order; refund: Refund; providerRef: string },
): Promise<void> {
  if (input.refund.status !== 'pending') return
  try {
    await sendRefund(rt, {
      adapter: input.adapter,
      order: { ...input.order, providerRef: input.providerRef },
      refund: input.refund,
    })
  } catch (error) {
    rt.reportError(error, `refund of late payment for ${input.order.number} (reconciliation retries it)`)
  }
}
