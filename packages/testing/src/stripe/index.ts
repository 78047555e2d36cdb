export type { StripeFault, StripeRequestRecord } from './api.js'
export type { StripePayInput } from './buyer.js'
export { type FormObject, type FormValue, parseStripeForm } from './form.js'
export { IDEMPOTENCY_KEY_TTL_MS } from './idempotency.js'
export { SIMULATED_API_VERSION, type StripeObject } from './objects.js'
export {
  type StripeSimulator,
  type StripeSimulatorOptions,
  stripeSimulator,
} from './simulator.js'
export {
  STRIPE_RETRY_SCHEDULE_MS,
  type StripeDelivery,
  type StripeDeliveryOptions,
  stripeSignatureHeader,
} from './webhooks.js'
