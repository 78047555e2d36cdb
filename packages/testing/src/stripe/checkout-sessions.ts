import { invalidParam, missing, type StripeResult, stripeFailure } from './errors.js'
import type { FormObject } from './form.js'
import { type StripeObject, stripeId } from './objects.js'
import { copy, currency, int, isResult, metadata, methods, ok, type StripeState, str } from './params.js'

export function createSession(state: StripeState, p: FormObject): StripeResult {
  if (str(p.mode) !== 'payment') return invalidParam('mode', 'The simulator supports `mode=payment` only.')
  const items = p.line_items
  if (!Array.isArray(items) || items.length === 0)
    return invalidParam('line_items', 'Missing required param: line_items.', 'parameter_missing')
  let total = 0
  let cur: string | null = null
  for (const [i, item] of items.entries()) {
    if (
      typeof item !== 'object' ||
      Array.isArray(item) ||
      typeof item.price_data !== 'object' ||
      Array.isArray(item.price_data)
    )
      return invalidParam(`line_items[${i}][price_data]`, 'The simulator takes inline `price_data` only.')
    const pd = item.price_data as FormObject
    const c = currency(pd.currency, `line_items[${i}][price_data][currency]`)
    if (isResult(c)) return c
    if (cur && c !== cur) return invalidParam('line_items', 'All line items must share one currency.')
    cur = c
    const unit = int(pd, 'unit_amount', true)
    const qty = int(item as FormObject, 'quantity', true)
    if (isResult(unit)) return unit
    if (isResult(qty)) return qty
    total += (unit as number) * (qty as number)
  }
  const meta = metadata(p.metadata)
  if (isResult(meta)) return meta
  const m = methods(p)
  if (isResult(m)) return m
  const now = Math.floor(state.now() / 1000)
  const expires = int(p, 'expires_at', false)
  if (isResult(expires)) return expires
  if (expires !== undefined && (expires < now + 1800 || expires > now + 86_400))
    return invalidParam(
      'expires_at',
      'The `expires_at` timestamp must be between 30 minutes and 24 hours from now.',
    )
  const pid = p.payment_intent_data as FormObject | undefined
  const piMeta = metadata(pid?.metadata)
  if (isResult(piMeta)) return piMeta
  const id = stripeId('cs_test')
  const session: StripeObject = {
    id,
    object: 'checkout.session',
    amount_subtotal: total,
    amount_total: total,
    client_reference_id: str(p.client_reference_id) ?? null,
    created: now,
    currency: cur,
    expires_at: expires ?? now + 86_400,
    livemode: false,
    metadata: meta,
    mode: 'payment',
    payment_intent: null,
    payment_method_types: m,
    payment_status: 'unpaid',
    status: 'open',
    success_url: str(p.success_url) ?? null,
    url: `${state.baseUrl()}/_sim/stripe/checkout/${id}`,
    // Kept for when the buyer pays: Checkout makes the PaymentIntent then (API ≥ 2022-08-01).
    _payment_intent_data: { metadata: piMeta, description: str(pid?.description) ?? null },
  }
  state.sessions.set(id, session)
  return ok(publicSession(session))
}

/** A session without the simulator's private fields. */
export function publicSession(s: StripeObject): StripeObject {
  const { _payment_intent_data: _, ...rest } = copy(s)
  return rest
}

export function getSession(state: StripeState, id: string): StripeResult {
  const s = state.sessions.get(id)
  return s ? ok(publicSession(s)) : missing('checkout.session', id)
}

export function expireSession(state: StripeState, id: string): StripeResult {
  const s = state.sessions.get(id)
  if (!s) return missing('checkout.session', id)
  if (s.status !== 'open')
    return stripeFailure(
      400,
      'invalid_request_error',
      `Only Checkout Sessions with a status of open can be expired; this one is ${s.status}.`,
    )
  s.status = 'expired'
  if (s.payment_intent) state.intents.get(s.payment_intent)!.status = 'canceled'
  return ok(publicSession(s))
}

export function listSessions(state: StripeState, q: FormObject): StripeResult {
  const pi = str(q.payment_intent)
  const data = [...state.sessions.values()].filter((s) => !pi || s.payment_intent === pi).map(publicSession)
  return ok({ object: 'list', data, has_more: false, url: '/v1/checkout/sessions' })
}
