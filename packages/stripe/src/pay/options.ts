import { requiredOptionError } from '@loopkit/core'
import { stripeError } from '../_internal/errors.js'
import { DEFAULT_TOLERANCE_SECONDS } from '../webhook/signature.js'

/** How a buyer pays at Stripe: a hosted Checkout Session, or a Payment Intent for one method. */
export type StripePayMethod = 'checkout' | 'card' | 'alipay' | 'wechat_pay'

/** The methods {@link stripePayments} accepts in `createPayment({ method })`. */
export const stripePayMethods: readonly StripePayMethod[] = ['checkout', 'card', 'alipay', 'wechat_pay']

/** Options of {@link stripePayments}. */
export interface StripePaymentsOptions {
  /** The secret API key, `sk_test_…` / `sk_live_…` (or a restricted `rk_…` key). */
  secretKey: string
  /**
   * The endpoint's signing secret(s), `whsec_…`. While rolling a secret, pass both (new first): a
   * webhook signed with either is accepted.
   */
  webhookSecret: string | readonly string[]
  /**
   * Where the Stripe API lives; default `https://api.stripe.com`. Tests point it at
   * `stripeSimulator().url` — the official SDK is used either way, only host/port/protocol change.
   */
  apiBase?: string
  /** Oldest accepted webhook signature in seconds; default 300; `0` turns the age check off. */
  tolerance?: number
  /** Payment methods a Checkout Session offers; default `['card']` (`alipay`, `wechat_pay` need activation). */
  checkoutMethods?: readonly ('card' | 'alipay' | 'wechat_pay')[]
  /** `createPayment` without `method`; default `checkout`. */
  defaultMethod?: StripePayMethod
  /** Where the buyer lands after Checkout when the loop passes no `returnUrl`. */
  returnUrl?: string
  /** The route segment and order provider; default `stripe`. */
  id?: string
  /** Per-request timeout in ms (the SDK's `timeout`); default 10 000. */
  timeout?: number
  /** The SDK's retries of failed requests (it resends with the same idempotency key); default 2. */
  maxNetworkRetries?: number
  /** Milliseconds clock for the webhook tolerance; default `Date.now`. */
  now?: () => number
  /** The `fetch` the SDK's fetch client uses; default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch
}

export interface ResolvedOptions {
  id: string
  secretKey: string
  livemode: boolean
  webhookSecrets: readonly string[]
  api: { host: string; port: number; protocol: 'http' | 'https' }
  tolerance: number
  checkoutMethods: readonly string[]
  defaultMethod: StripePayMethod
  returnUrl: string | null
  timeout: number
  maxNetworkRetries: number
  now: () => number
  fetch: typeof globalThis.fetch
}

function apiLocation(apiBase: string): ResolvedOptions['api'] {
  let url: URL
  try {
    url = new URL(apiBase)
  } catch {
    throw stripeError('configuration', `\`apiBase\` is not a URL: \`${apiBase}\`.`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw stripeError('configuration', '`apiBase` must be an http(s) URL.')
  const protocol = url.protocol === 'https:' ? 'https' : 'http'
  return { host: url.hostname, port: Number(url.port || (protocol === 'https' ? 443 : 80)), protocol }
}

/** Validates everything at construction so a misconfiguration fails at boot, not at the first payment. */
export function resolveOptions(options: StripePaymentsOptions): ResolvedOptions {
  for (const name of ['secretKey', 'webhookSecret'] as const) {
    if (!options?.[name]) throw requiredOptionError('stripe', name)
  }
  const key = options.secretKey
  if (!/^(sk|rk)_(test|live)_\S+$/.test(key)) {
    throw stripeError(
      'configuration',
      '`secretKey` must be a secret or restricted key (`sk_test_…`, `sk_live_…`, `rk_…`), not a publishable `pk_…` key.',
    )
  }
  const secrets =
    typeof options.webhookSecret === 'string' ? [options.webhookSecret] : [...options.webhookSecret]
  if (
    secrets.length === 0 ||
    secrets.some((s) => typeof s !== 'string' || !s.startsWith('whsec_') || /\s/.test(s))
  )
    throw stripeError(
      'configuration',
      '`webhookSecret` must be the endpoint signing secret(s) `whsec_…` (no whitespace) from the dashboard or `stripe listen`.',
    )
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE_SECONDS
  if (!Number.isFinite(tolerance) || tolerance < 0)
    throw stripeError('configuration', '`tolerance` must be a non-negative number of seconds.')
  const checkoutMethods = options.checkoutMethods ?? ['card']
  if (checkoutMethods.length === 0) throw stripeError('configuration', '`checkoutMethods` is empty.')
  const defaultMethod = options.defaultMethod ?? 'checkout'
  if (!stripePayMethods.includes(defaultMethod))
    throw stripeError('configuration', `\`defaultMethod\` must be one of ${stripePayMethods.join(', ')}.`)
  return {
    id: options.id ?? 'stripe',
    secretKey: key,
    livemode: /^(sk|rk)_live_/.test(key),
    webhookSecrets: secrets,
    api: apiLocation(options.apiBase ?? 'https://api.stripe.com'),
    tolerance,
    checkoutMethods,
    defaultMethod,
    returnUrl: options.returnUrl ?? null,
    timeout: options.timeout ?? 10_000,
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    now: options.now ?? Date.now,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
  }
}

/** The metadata key carrying the Loopkit order number on sessions and payment intents. */
export const ORDER_KEY = 'loopkit_order'
/** The metadata key carrying the Loopkit refund number on refunds. */
export const REFUND_KEY = 'loopkit_refund'
