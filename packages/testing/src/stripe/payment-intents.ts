import { invalidParam, missing, type StripeResult, stripeFailure } from './errors.js'
import type { FormObject, FormValue } from './form.js'
import { newPaymentIntent, type StripeObject, stripeId } from './objects.js'
import { copy, currency, int, isResult, metadata, methods, ok, type StripeState, str } from './params.js'

function expandIntent(state: StripeState, pi: StripeObject, expand: FormValue | undefined): StripeObject {
  const out = copy(pi)
  if (Array.isArray(expand) && expand.includes('latest_charge') && pi.latest_charge)
    out.latest_charge = copy(state.charges.get(pi.latest_charge)!)
  return out
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
