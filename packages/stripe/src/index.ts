export { fromStripeAmount, toStripeAmount } from './pay/amount.js'
export { mapStripeError } from './pay/error-map.js'
export {
  ORDER_KEY,
  REFUND_KEY,
  type StripePayMethod,
  type StripePaymentsOptions,
  stripePayMethods,
} from './pay/options.js'
export type { StripeEventEnvelope } from './pay/parse-webhook.js'
export { type StripePaymentAdapter, stripePayments } from './pay/stripe-payments.js'
export {
  computeStripeSignature,
  DEFAULT_TOLERANCE_SECONDS,
  parseStripeSignatureHeader,
  type StripeSignatureHeader,
  verifyStripeSignature,
} from './webhook/signature.js'
