import { newId, randomBase62 } from '../_internal/ids.js'
import type { Effects, WebhookDelivery } from '../contracts/storage.js'
import type { Refund } from '../domain/order.js'
import { loopError } from '../errors.js'
import { type Runtime, routeUrl } from '../loop/runtime.js'
import { parseInput, refundInput } from '../schemas.js'
import { runRefundHooks } from './hooks.js'
import { outboxFor } from './outbox.js'

/**
 * Refunds all or part of a paid order. The storage refuses a refund that would take the refunded
 * sum past the total (`refund_exceeds_paid`), also under concurrency; the provider gets the
 * refund's number as its idempotency key, so a retried call never pays out twice.
 */
export async function createRefund(rt: Runtime, raw: unknown): Promise<Refund> {
  const input = parseInput(refundInput, raw, 'refund')
  const order = await rt.storage.getOrder({ id: input.orderId })
  if (!order) throw loopError('refund', 'not_found', `No order \`${input.orderId}\`.`)
  if (!['paid', 'fulfilled', 'partially_refunded'].includes(order.status)) {
    throw loopError(
      'refund',
      'invalid_transition',
      `Order ${order.number} is ${order.status} and cannot be refunded.`,
    )
  }
  const adapter = rt.payments.get(order.provider)
  if (!adapter) throw loopError('refund', 'configuration', `No payment provider \`${order.provider}\`.`)
  const now = rt.now()
  const amount = input.amount ?? order.total - order.refunded
  if (amount <= 0)
    throw loopError('refund', 'refund_exceeds_paid', `Order ${order.number} is fully refunded.`)
  const draft: Refund = {
    id: newId('ref'),
    orderId: order.id,
    number: input.idempotencyKey ?? `R${randomBase62(23)}`,
    amount,
    currency: order.currency,
    reason: input.reason ?? null,
    status: 'pending',
    providerRef: null,
    createdAt: now,
    updatedAt: now,
  }
  const effects: Effects = {
    events: [
      rt.event(
        'refund.requested',
        { number: draft.number, amount },
        { orderId: order.id, customerId: order.customerId },
      ),
    ],
  }
  const { refund, created } = await rt.storage.createRefund({ refund: draft, effects })
  if (created) rt.published(effects)
  if (refund.orderId !== order.id)
    throw loopError('refund', 'conflict', 'This idempotency key belongs to another order.')
  if (refund.status !== 'pending') return refund
  const result = await adapter.refund({ order, refund, notifyUrl: routeUrl(rt, `/webhooks/${adapter.id}`) })
  if (result.status === 'pending') return refund
  const settled = await settleRefundResult(rt, {
    refundId: refund.id,
    status: result.status,
    providerRef: result.providerRef,
    delivery: null,
  })
  return settled.refund ?? refund
}

/** Applies a refund's final result: order refunded sum and status, events, the buyer's message. */
export async function settleRefundResult(
  rt: Runtime,
  input: {
    refundId: string
    status: 'succeeded' | 'failed'
    providerRef: string | null
    delivery: WebhookDelivery | null
  },
): Promise<{ refund: Refund | null; duplicate: boolean }> {
  const refund = await rt.storage.getRefund({ id: input.refundId })
  if (!refund) throw loopError('refund', 'not_found', `No refund \`${input.refundId}\`.`)
  const order = await rt.storage.getOrder({ id: refund.orderId })
  const customer = order ? await rt.storage.getCustomer({ id: order.customerId }) : null
  const settledRefund: Refund = { ...refund, status: input.status }
  const refs = { orderId: refund.orderId, customerId: order?.customerId ?? null }
  const effects: Effects =
    input.status === 'succeeded'
      ? {
          events: [
            rt.event(
              'order.refunded',
              { number: refund.number, amount: refund.amount, currency: refund.currency },
              refs,
            ),
          ],
          outbox: order
            ? outboxFor(rt, 'order.refunded', refund.id, { customer, order, refund: settledRefund })
            : [],
        }
      : { events: [rt.event('refund.failed', { number: refund.number, amount: refund.amount }, refs)] }
  const result = await rt.storage.settleRefund({
    id: refund.id,
    status: input.status,
    providerRef: input.providerRef,
    delivery: input.delivery,
    now: rt.now(),
    effects,
  })
  if (result.changed) {
    rt.published(effects)
    if (input.status === 'succeeded' && result.order && result.refund)
      await runRefundHooks(rt, result.order, result.refund)
  }
  return { refund: result.refund, duplicate: result.duplicate || !result.changed }
}
