import { withDeadline } from '../_internal/deadline.js'
import type { PaymentAdapter, RefundOutput } from '../contracts/payment.js'
import type { Order, Refund } from '../domain/order.js'
import { type Runtime, routeUrl } from '../loop/runtime.js'
import { settleRefundResult } from './refund.js'

/** How long one provider call of refund work may take; `refunds.providerTimeoutMs`, default 5 s. */
export function refundTimeoutMs(rt: Runtime): number {
  return rt.options.refunds?.providerTimeoutMs ?? 5_000
}

/**
 * The order as the provider knows it: a late payment leaves the order `expired` without the
 * provider's reference, which the succeeded payment row has.
 */
export async function providerOrder(rt: Runtime, order: Order): Promise<Order> {
  if (order.providerRef) return order
  const payments = await rt.storage.listPayments({ orderId: order.id })
  const paid = payments.find((p) => p.status === 'succeeded' && p.providerRef)
  return paid ? { ...order, providerRef: paid.providerRef } : order
}

/**
 * Asks the provider for a pending refund (the refund's number is its idempotency key, so sending
 * it again never pays twice), within the deadline, and applies a final answer at once.
 */
export async function sendRefund(
  rt: Runtime,
  input: { adapter: PaymentAdapter; order: Order; refund: Refund },
): Promise<RefundOutput> {
  const { adapter, order, refund } = input
  const result = await withDeadline(
    adapter.refund({ order, refund, notifyUrl: routeUrl(rt, `/webhooks/${adapter.id}`) }),
    refundTimeoutMs(rt),
    `[${adapter.id}] refund ${refund.number}`,
    'provider_unavailable',
  )
  if (result.status !== 'pending') {
    await settleRefundResult(rt, {
      refundId: refund.id,
      status: result.status,
      providerRef: result.providerRef,
      delivery: null,
    })
  }
  return result
}
