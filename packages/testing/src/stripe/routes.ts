import { invalidParam, missing, type StripeResult, stripeFailure } from './errors.js'
import type { FormObject, FormValue } from './form.js'
import { newPaymentIntent, newRefund, type StripeObject, stripeId } from './objects.js'

/** What the REST routes work on. */
export interface StripeState {
  now: () => number
  baseUrl: () => string
  sessions: Map<string, StripeObject>
  intents: Map<string, StripeObject>
  charges: Map<string, StripeObject>
  refunds: Map<string, StripeObject>
  /** Snapshots events made by an API call (refunds) now and queues them for delivery. */
  emit: (events: { type: string; object: StripeObject }[]) => void
  /** Called for a refund left `pending`, to settle it later. */
  onPendingRefund: (refund: StripeObject) => void
}

const METHODS = new Set(['card', 'alipay', 'wechat_pay'])
const ok = (json: unknown): StripeResult => ({ status: 200, json })
const copy = (o: StripeObject) => structuredClone(o)

function str(v: FormValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined
}

function int(params: FormObject, name: string, required: boolean): number | StripeResult | undefined {
  const v = str(params[name])
  if (v === undefined)
    return required ? invalidParam(name, `Missing required param: ${name}.`, 'parameter_missing') : undefined
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v)))
    return invalidParam(name, `Invalid integer: ${v}`, 'parameter_invalid_integer')
  return Number(v)
}

function metadata(v: FormValue | undefined): Record<string, string> | StripeResult {
  if (v === undefined) return {}
  if (typeof v !== 'object' || Array.isArray(v))
    return invalidParam('metadata', 'Invalid metadata: must be a hash.')
  const out: Record<string, string> = {}
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string' || k.length > 40 || x.length > 500)
      return invalidParam(`metadata[${k}]`, 'Metadata keys ≤ 40 and values ≤ 500 characters, strings only.')
    out[k] = x
  }
  return out
}

function methods(params: FormObject): string[] | StripeResult {
  const raw = params.allowed_payment_method_types ?? params.payment_method_types
  if (raw === undefined) return ['card']
  if (!Array.isArray(raw) || raw.some((m) => typeof m !== 'string' || !METHODS.has(m)))
    return invalidParam('allowed_payment_method_types', 'The simulator supports card, alipay and wechat_pay.')
  return raw as string[]
}

function currency(v: FormValue | undefined, param: string): string | StripeResult {
  const c = str(v)
  if (!c || !/^[a-z]{3}$/.test(c)) return invalidParam(param, `Invalid currency: ${c ?? '(none)'}.`)
  return c
}

const isResult = (v: unknown): v is StripeResult =>
  typeof v === 'object' && v !== null && 'status' in v && 'json' in v && !('object' in v)

function expandIntent(state: StripeState, pi: StripeObject, expand: FormValue | undefined): StripeObject {
  const out = copy(pi)
  if (Array.isArray(expand) && expand.includes('latest_charge') && pi.latest_charge)
    out.latest_charge = copy(state.charges.get(pi.latest_charge)!)
  return out
}

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

export function createIntent(state: StripeState, p: FormObject): StripeResult {
  const amount = int(p, 'amount', true)
  if (isResult(amount)) return amount
  if ((amount as number) < 1) return invalidParam('amount', 'Amount must be at least 1.', 'amount_too_small')
  const c = currency(p.currency, 'currency')
  if (isResult(c)) return c
  const m = methods(p)
  if (isResult(m)) return m
  const meta = metadata(p.metadata)
  if (isResult(meta)) return meta
  const pi = newPaymentIntent({
    amount: amount as number,
    currency: c,
    methods: m,
    metadata: meta,
    description: str(p.description) ?? null,
    nowMs: state.now(),
  })
  if (str(p.confirm) === 'true') {
    const type = str((p.payment_method_data as FormObject | undefined)?.type)
    if (!type || !m.includes(type) || type === 'card')
      return invalidParam(
        'payment_method_data[type]',
        'Confirming here needs `payment_method_data[type]` alipay or wechat_pay.',
      )
    const returnUrl = str(p.return_url)
    if (!returnUrl)
      return invalidParam('return_url', 'Missing required param: return_url.', 'parameter_missing')
    const url = `${state.baseUrl()}/_sim/stripe/authorize/${pi.id}`
    pi.status = 'requires_action'
    pi.payment_method = stripeId('pm')
    pi.next_action =
      type === 'alipay'
        ? {
            type: 'alipay_handle_redirect',
            alipay_handle_redirect: { url, return_url: returnUrl, native_url: null, native_data: null },
          }
        : {
            type: 'wechat_pay_display_qr_code',
            wechat_pay_display_qr_code: {
              data: url,
              hosted_instructions_url: url,
              image_data_url: 'data:image/png;base64,',
            },
          }
    pi._return_url = returnUrl
  }
  state.intents.set(pi.id, pi)
  return ok(publicIntent(pi))
}

export function publicIntent(pi: StripeObject): StripeObject {
  const { _return_url: _, ...rest } = copy(pi)
  return rest
}

export function searchIntents(state: StripeState, query: string): StripeResult {
  const m = /^metadata\['([^'\\]+)'\]:'([^'\\]*)'$/.exec(query.trim())
  if (!m) return invalidParam('query', "The simulator searches `metadata['key']:'value'` only.")
  const data = [...state.intents.values()].filter((pi) => pi.metadata?.[m[1]!] === m[2]).map(publicIntent)
  return ok({
    object: 'search_result',
    data,
    has_more: false,
    next_page: null,
    url: '/v1/payment_intents/search',
  })
}

export function getIntent(state: StripeState, id: string, q: FormObject): StripeResult {
  const pi = state.intents.get(id)
  return pi ? ok(publicIntent(expandIntent(state, pi, q.expand))) : missing('payment_intent', id)
}

export function cancelIntent(state: StripeState, id: string): StripeResult {
  const pi = state.intents.get(id)
  if (!pi) return missing('payment_intent', id)
  if (pi.status === 'succeeded' || pi.status === 'canceled')
    return stripeFailure(
      400,
      'invalid_request_error',
      `You cannot cancel this PaymentIntent because it has a status of ${pi.status}.`,
      { code: 'payment_intent_unexpected_state' },
    )
  if ([...state.sessions.values()].some((s) => s.payment_intent === id && s.status === 'open'))
    return stripeFailure(
      400,
      'invalid_request_error',
      'This PaymentIntent is managed by a Checkout Session; expire the session instead.',
      { code: 'payment_intent_unexpected_state' },
    )
  pi.status = 'canceled'
  pi.next_action = null
  return ok(publicIntent(pi))
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

export function getSession(state: StripeState, id: string): StripeResult {
  const s = state.sessions.get(id)
  return s ? ok(publicSession(s)) : missing('checkout.session', id)
}
