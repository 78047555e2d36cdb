import type { PaymentAdapter } from '@loopkit/core'
import { createStripeClient } from './client.js'
import { createStripePayment } from './create-payment.js'
import { resolveOptions, type StripePaymentsOptions, stripePayMethods } from './options.js'
import { parseStripeWebhook } from './parse-webhook.js'
import { closeStripePayment, queryStripePayment } from './query-payment.js'
import { queryStripeRefund } from './query-refund.js'
import { refundStripePayment } from './refund.js'
import { validateStripePayment } from './validate-payment.js'

/**
 * The Stripe adapter: a `PaymentAdapter` with `methods`, `validatePayment` and `queryRefund`.
 *
 * @example
 * ```ts
 * const stripe: StripePaymentAdapter = stripePayments({ secretKey, webhookSecret, returnUrl })
 * stripe.methods // ['checkout', 'card', 'alipay', 'wechat_pay']
 * ```
 */
export type StripePaymentAdapter = PaymentAdapter &
  Required<Pick<PaymentAdapter, 'methods' | 'validatePayment' | 'queryRefund'>>

/**
 * Stripe as a Loopkit payment adapter, on the official `stripe` SDK (fetch HTTP client): hosted
 * Checkout Sessions, Payment Intents for card, Alipay and WeChat Pay, query, close, partial refunds,
 * idempotency keys derived from order and refund numbers, refund queries (for reconciliation),
 * checks before checkout writes anything (`validatePayment`), and webhooks verified on the raw body
 * (`POST <baseUrl>/webhooks/stripe`). Options are validated here, so a wrong key fails at boot.
 *
 * @example
 * ```ts
 * import { createLoop } from '@loopkit/core'
 * import { memoryStorage } from '@loopkit/core/dev'
 * import { stripePayments } from '@loopkit/stripe'
 *
 * const loop = createLoop({
 *   secret: process.env.LOOP_SECRET!,
 *   baseUrl: 'https://shop.example.com/loop',
 *   storage: memoryStorage(),
 *   identity: [myIdentity],
 *   payments: [
 *     stripePayments({
 *       secretKey: process.env.STRIPE_SECRET_KEY!,
 *       webhookSecret: process.env.STRIPE_WEBHOOK_SECRET!, // whsec_… of the /loop/webhooks/stripe endpoint
 *       returnUrl: 'https://shop.example.com/thanks',
 *     }),
 *   ],
 * })
 * ```
 */
export function stripePayments(options: StripePaymentsOptions): StripePaymentAdapter {
  const resolved = resolveOptions(options)
  const stripe = createStripeClient(resolved)
  return {
    id: resolved.id,
    methods: stripePayMethods,
    validatePayment: (input) => void validateStripePayment(resolved, input),
    createPayment: (input) => createStripePayment(resolved, stripe, input),
    queryPayment: (input) => queryStripePayment(stripe, input),
    closePayment: (input) => closeStripePayment(stripe, input),
    refund: (input) => refundStripePayment(stripe, input),
    queryRefund: (input) => queryStripeRefund(stripe, input),
    parseWebhook: async (input) => parseStripeWebhook(resolved, input),
  }
}
