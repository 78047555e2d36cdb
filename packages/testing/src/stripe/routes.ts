// The simulator's REST routes, one file per Stripe resource.
export * from './checkout-sessions.js'
export type { StripeState } from './params.js'
export * from './payment-intents.js'
export * from './refunds.js'
