import type { CreatePaymentInput, CreatePaymentOutput } from '@loopkit/core'
import type Stripe from 'stripe'
import { stripeError } from '../_internal/errors.js'
import { mapStripeError } from './error-map.js'
import { ORDER_KEY, type ResolvedOptions } from './options.js'
import { type StripePaymentPlan, validateStripePayment } from './validate-payment.js'

async function checkout(
  options: ResolvedOptions,
  stripe: Stripe,
  input: CreatePaymentInput,
  plan: StripePaymentPlan,
): Promise<CreatePaymentOutput> {
  const { order } = input
  const metadata = { [ORDER_KEY]: order.number }
  // Checkout accepts an expiry between 30 minutes and 24 hours out. It is derived from the order
  // alone (not the clock), so a retry with the same idempotency key sends the same parameters and
  // Stripe replays the session instead of answering `idempotency_error`; the margin covers the time
  // between creating the order and this first call.
  const created = Math.floor(order.createdAt / 1000)
  const expiresAt = Math.min(
    Math.max(Math.floor(order.expiresAt / 1000), created + 1800 + 300),
    created + 86_400 - 60,
  )
  const session = await stripe.checkout.sessions.create(
    {
      mode: 'payment',
      client_reference_id: order.number,
      metadata,
      payment_intent_data: { metadata, description: input.description },
      allowed_payment_method_types: [...options.checkoutMethods],
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: order.currency.toLowerCase(),
            unit_amount: plan.amount,
            product_data: { name: input.description },
          },
        },
      ],
      success_url: plan.returnUrl!,
      expires_at: expiresAt,
    },
    // Derived from the order, so a retried checkout gets the same session back (for 24 h at Stripe).
    { idempotencyKey: `loopkit-checkout-${order.number}` },
  )
  if (!session.url) throw stripeError('provider_error', `Checkout Session ${session.id} has no URL.`)
  return { providerRef: session.id, action: { type: 'redirect', url: session.url } }
}

async function paymentIntent(
  stripe: Stripe,
  input: CreatePaymentInput,
  plan: StripePaymentPlan,
  type: 'card' | 'alipay' | 'wechat_pay',
): Promise<CreatePaymentOutput> {
  const { order } = input
  const params: Stripe.PaymentIntentCreateParams = {
    amount: plan.amount,
    currency: order.currency.toLowerCase(),
    allowed_payment_method_types: [type],
    metadata: { [ORDER_KEY]: order.number },
    description: input.description,
  }
  // Alipay and WeChat Pay are confirmed here, so Stripe answers with the buyer's next step; a card is
  // confirmed in the browser by Stripe.js with the client secret (card data never reaches the server).
  if (type !== 'card') {
    params.confirm = true
    params.payment_method_data = { type }
    params.return_url = plan.returnUrl!
    if (type === 'wechat_pay') params.payment_method_options = { wechat_pay: { client: 'web' } }
  }
  const pi = await stripe.paymentIntents.create(params, {
    idempotencyKey: `loopkit-pi-${type}-${order.number}`,
  })
  if (type === 'card') {
    if (!pi.client_secret) throw stripeError('provider_error', `PaymentIntent ${pi.id} has no client secret.`)
    return { providerRef: pi.id, action: { type: 'jsapi', params: { clientSecret: pi.client_secret } } }
  }
  const next = pi.next_action
  if (type === 'alipay' && next?.alipay_handle_redirect?.url)
    return { providerRef: pi.id, action: { type: 'redirect', url: next.alipay_handle_redirect.url } }
  if (type === 'wechat_pay' && next?.wechat_pay_display_qr_code?.data)
    return { providerRef: pi.id, action: { type: 'qr', codeUrl: next.wechat_pay_display_qr_code.data } }
  throw stripeError('provider_error', `PaymentIntent ${pi.id} is ${pi.status} without a ${type} next action.`)
}

/**
 * Creates the buyer's payment at Stripe: `checkout` (default) → a hosted Checkout Session to
 * redirect to; `card` → a PaymentIntent whose client secret Stripe.js confirms (`jsapi` action,
 * `params.clientSecret`); `alipay` → a confirmed PaymentIntent's redirect; `wechat_pay` → its QR
 * data. Every create carries an idempotency key derived from the order number.
 */
export async function createStripePayment(
  options: ResolvedOptions,
  stripe: Stripe,
  input: CreatePaymentInput,
): Promise<CreatePaymentOutput> {
  const plan = validateStripePayment(options, {
    ...(input.method !== undefined ? { method: input.method } : {}),
    ...(input.returnUrl !== undefined ? { returnUrl: input.returnUrl } : {}),
    total: input.order.total,
    currency: input.order.currency,
  })
  try {
    return plan.method === 'checkout'
      ? await checkout(options, stripe, input, plan)
      : await paymentIntent(stripe, input, plan, plan.method)
  } catch (error) {
    throw mapStripeError(error)
  }
}
