import { invalidParam, missing, type StripeResult, stripeFailure } from './errors.js'
import type { FormObject } from './form.js'
import { newRefund, type StripeObject } from './objects.js'
import { copy, int, isResult, metadata, ok, type StripeState, str } from './params.js'

export function createRefund(state: StripeState, p: FormObject): StripeResult {
  const piId = str(p.payment_intent)
  const chId = str(p.charge)
  const pi = piId ? state.intents.get(piId) : undefined
  if (piId && !pi) return missing('payment_intent', piId)
  const charge = state.charges.get(chId ?? pi?.latest_charge ?? '')
  if (!charge) {
    if (!piId && !chId)
      return invalidParam('payment_intent', 'Missing required param: payment_intent.', 'parameter_missing')
    return stripeFailure(
      400,
      'invalid_request_error',
      'This PaymentIntent does not have a successful charge to refund.',
      { code: 'charge_not_refundable' },
    )
  }
  const remaining = charge.amount - charge.amount_refunded
  if (remaining <= 0)
    return stripeFailure(400, 'invalid_request_error', `Charge ${charge.id} has already been refunded.`, {
      code: 'charge_already_refunded',
    })
  const amount = int(p, 'amount', false)
  if (isResult(amount)) return amount
  const value = amount ?? remaining
  if (value < 1 || value > remaining)
    return stripeFailure(
      400,
      'invalid_request_error',
      `Refund amount (${value}) is greater than unrefunded amount on charge (${remaining}).`,
      { code: 'amount_too_large', param: 'amount' },
    )
  const meta = metadata(p.metadata)
  if (isResult(meta)) return meta
  // Cards refund at once; Alipay and WeChat Pay refunds stay pending until the wallet confirms.
  const sync = charge.payment_method_details?.type === 'card'
  const refund = newRefund({
    charge,
    amount: value,
    metadata: meta,
    status: sync ? 'succeeded' : 'pending',
    nowMs: state.now(),
  })
  state.refunds.set(refund.id, refund)
  charge.amount_refunded += value
  charge.refunded = charge.amount_refunded === charge.amount
  const events: [string, StripeObject][] = [['refund.created', refund]]
  if (sync) events.push(['charge.refunded', charge])
  state.emit(events.map(([type, o]) => ({ type, object: o })))
  if (!sync) state.onPendingRefund(refund)
  return ok(copy(refund))
}

export function getRefund(state: StripeState, id: string): StripeResult {
  const r = state.refunds.get(id)
  return r ? ok(copy(r)) : missing('refund', id)
}

/**
 * `GET /v1/refunds`: newest first, filtered by `payment_intent` or `charge`, paged with `limit`
 * (1–100, default 10) and `starting_after`, as Stripe lists them.
 */
export function listRefunds(state: StripeState, q: FormObject): StripeResult {
  const piId = str(q.payment_intent)
  const chId = str(q.charge)
  if (piId && !state.intents.has(piId)) return missing('payment_intent', piId)
  const limit = int(q, 'limit', false)
  if (isResult(limit)) return limit
  const size = limit ?? 10
  if (size < 1 || size > 100) return invalidParam('limit', 'Limit must be between 1 and 100.')
  const all = [...state.refunds.values()]
    .filter((r) => (!piId || r.payment_intent === piId) && (!chId || r.charge === chId))
    .reverse()
  const after = str(q.starting_after)
  const start = after ? all.findIndex((r) => r.id === after) + 1 : 0
  if (after && start === 0) return missing('refund', after)
  const data = all.slice(start, start + size).map(copy)
  return ok({ object: 'list', data, has_more: start + size < all.length, url: '/v1/refunds' })
}
