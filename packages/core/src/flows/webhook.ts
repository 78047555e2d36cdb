import type { PaymentAdapter, WebhookEvent } from '../contracts/payment.js'
import type { Effects } from '../contracts/storage.js'
import type { Order } from '../domain/order.js'
import { isLoopError, type LoopError, loopError } from '../errors.js'
import type { Runtime } from '../loop/runtime.js'
import { campaignOf } from './attribution.js'
import { runOrderPaidHooks } from './hooks.js'
import { lateRefundFor, refundLatePayment } from './late-payment.js'
import { outboxFor } from './outbox.js'
import { settleRefundResult } from './refund.js'

/** What the webhook inbox did with one delivery (`loop.webhooks.handle()`). */
export type WebhookOutcome =
  | { status: 'processed'; orderId: string }
  | { status: 'duplicate' }
  | { status: 'ignored'; reason: string }
  | { status: 'suspicious'; reason: string }
  | { status: 'rejected'; error: LoopError }

const paymentFor = (order: Order, provider: string, ref: string, now: number) => ({
  id: `pay_${order.id}_${provider}`,
  orderId: order.id,
  provider,
  providerRef: ref,
  amount: order.total,
  currency: order.currency,
  status: 'succeeded' as const,
  createdAt: now,
  updatedAt: now,
})

/** Records a suspicious delivery once (by its event id) and changes nothing else. */
async function suspicious(
  rt: Runtime,
  provider: string,
  eventId: string,
  reason: string,
  data: Record<string, unknown>,
  orderId: string | null,
): Promise<WebhookOutcome> {
  const effects: Effects = {
    events: [rt.event('payment.suspicious', { provider, eventId, reason, ...data }, { orderId })],
  }
  const { first } = await rt.storage.recordWebhook({
    delivery: { provider, eventId: `suspicious:${eventId}`, receivedAt: rt.now() },
    effects,
  })
  if (first) rt.published(effects)
  return { status: 'suspicious', reason }
}

async function paymentSucceeded(
  rt: Runtime,
  adapter: PaymentAdapter,
  event: Extract<WebhookEvent, { kind: 'payment.succeeded' }>,
): Promise<WebhookOutcome> {
  const provider = adapter.id
  const order = await rt.storage.getOrderByNumber({ number: event.orderNumber })
  if (!order)
    return suspicious(rt, provider, event.eventId, 'unknown_order', { orderNumber: event.orderNumber }, null)
  if (order.provider !== provider) {
    return suspicious(
      rt,
      provider,
      event.eventId,
      'wrong_provider',
      { orderNumber: order.number, expected: order.provider },
      order.id,
    )
  }
  if (event.amount !== order.total || event.currency !== order.currency) {
    return suspicious(
      rt,
      provider,
      event.eventId,
      'amount_mismatch',
      {
        orderNumber: order.number,
        expected: { amount: order.total, currency: order.currency },
        received: { amount: event.amount, currency: event.currency },
      },
      order.id,
    )
  }
  const now = rt.now()
  const customer = await rt.storage.getCustomer({ id: order.customerId })
  const paid: Order = { ...order, status: 'paid', providerRef: event.providerRef, paidAt: event.paidAt }
  const effects: Effects = {
    events: [
      rt.event(
        'order.paid',
        {
          number: order.number,
          provider,
          providerRef: event.providerRef,
          total: order.total,
          currency: order.currency,
          attribution: order.attribution,
          ...campaignOf(order.attribution),
        },
        { customerId: order.customerId, orderId: order.id },
      ),
    ],
    outbox: outboxFor(rt, 'order.paid', order.id, { customer, order: paid }),
  }
  // Money may arrive for an order that no longer holds stock: then the payment and a pending refund
  // are written with the delivery, never the sale (no oversell), and the refund is asked for after.
  const late = lateRefundFor(rt, order, event)
  const result = await rt.storage.markPaid({
    orderId: order.id,
    delivery: { provider, eventId: event.eventId, receivedAt: now },
    payment: paymentFor(order, provider, event.providerRef, now),
    now,
    effects,
    late,
  })
  if (result.duplicate) return { status: 'duplicate' }
  if (result.changed && result.order) {
    rt.published(effects)
    await runOrderPaidHooks(rt, result.order, customer)
    return { status: 'processed', orderId: order.id }
  }
  if (result.late) {
    if (result.late.created) rt.published(late.effects)
    await refundLatePayment(rt, {
      adapter,
      order: result.order ?? order,
      refund: result.late.refund,
      providerRef: event.providerRef,
    })
    return { status: 'suspicious', reason: 'late_payment' }
  }
  return { status: 'duplicate' }
}

/**
 * The webhook inbox: the adapter verifies the raw bytes; then the event is applied exactly once.
 * Rejections (forged, stale, malformed) are recorded and change nothing.
 */
export async function handleWebhook(
  rt: Runtime,
  input: { provider: string; request: Request; readBody?: () => Promise<Uint8Array> },
): Promise<{ outcome: WebhookOutcome; response: Response }> {
  const adapter = rt.payments.get(input.provider)
  if (!adapter) {
    const error = loopError('webhook', 'not_found', `No payment provider \`${input.provider}\`.`)
    return {
      outcome: { status: 'rejected', error },
      response: Response.json(error.toJSON(), { status: 404 }),
    }
  }
  let outcome: WebhookOutcome
  try {
    const body = input.readBody ? await input.readBody() : new Uint8Array(await input.request.arrayBuffer())
    const event = await adapter.parseWebhook({ body, headers: input.request.headers, url: input.request.url })
    outcome = await apply(rt, adapter, event)
  } catch (error) {
    const e = isLoopError(error)
      ? error
      : loopError('webhook', 'internal', 'Webhook processing failed.', { cause: error })
    if (!isLoopError(error)) rt.reportError(error, `webhook ${input.provider}`)
    const effects: Effects = {
      events: [rt.event('webhook.rejected', { provider: input.provider, code: e.code })],
    }
    await rt.storage
      .appendEvents({ events: effects.events! })
      .catch((err) => rt.reportError(err, 'webhook.rejected event'))
    rt.published(effects)
    outcome = { status: 'rejected', error: e }
  }
  return { outcome, response: webhookResponse(adapter, outcome) }
}

async function apply(rt: Runtime, adapter: PaymentAdapter, event: WebhookEvent): Promise<WebhookOutcome> {
  switch (event.kind) {
    case 'payment.succeeded':
      return paymentSucceeded(rt, adapter, event)
    case 'refund.succeeded':
    case 'refund.failed': {
      const refund = await rt.storage.getRefundByNumber({ number: event.refundNumber })
      if (!refund)
        return suspicious(
          rt,
          adapter.id,
          event.eventId,
          'unknown_refund',
          { refundNumber: event.refundNumber },
          null,
        )
      if (event.kind === 'refund.succeeded' && event.amount !== refund.amount) {
        return suspicious(
          rt,
          adapter.id,
          event.eventId,
          'amount_mismatch',
          { refundNumber: refund.number, expected: refund.amount, received: event.amount },
          refund.orderId,
        )
      }
      const done = await settleRefundResult(rt, {
        refundId: refund.id,
        status: event.kind === 'refund.succeeded' ? 'succeeded' : 'failed',
        providerRef: event.providerRef,
        delivery: { provider: adapter.id, eventId: event.eventId, receivedAt: rt.now() },
      })
      return done.duplicate ? { status: 'duplicate' } : { status: 'processed', orderId: refund.orderId }
    }
    case 'ignored': {
      await rt.storage.recordWebhook({
        delivery: { provider: adapter.id, eventId: event.eventId, receivedAt: rt.now() },
      })
      return { status: 'ignored', reason: event.reason }
    }
  }
}

function webhookResponse(adapter: PaymentAdapter, outcome: WebhookOutcome): Response {
  const ok =
    outcome.status === 'processed' ||
    outcome.status === 'duplicate' ||
    outcome.status === 'ignored' ||
    (outcome.status === 'suspicious' && outcome.reason === 'late_payment')
  const error =
    outcome.status === 'rejected'
      ? { code: outcome.error.code, message: outcome.error.message, status: outcome.error.status }
      : outcome.status === 'suspicious'
        ? {
            code: outcome.reason,
            message: `[loopkit] [webhook] Not applied: ${outcome.reason}.`,
            status: 422,
          }
        : null
  if (adapter.webhookResponse)
    return adapter.webhookResponse({
      ok,
      ...(error ? { error: { code: error.code, message: error.message } } : {}),
    })
  if (ok) return new Response(null, { status: 204 })
  return Response.json({ error: { code: error!.code, message: error!.message } }, { status: error!.status })
}
