export * from './errors.js'
export * from './domain/money.js'
export * from './domain/order.js'
export type * from './domain/customer.js'
export { identityFor } from './domain/customer.js'
export type * from './domain/catalog.js'
export type * from './domain/share.js'
export type * from './domain/notification.js'
export type * from './domain/event.js'
export type * from './contracts/index.js'
export { createLoop, type Loop } from './loop/create-loop.js'
export type {
  LoopOptions,
  NotificationInput,
  NotificationTemplate,
  NotificationTopic,
} from './loop/options.js'
export type { LoopEvent, LoopEventType, LoopListener } from './loop/events.js'
export type { CheckoutResult } from './flows/checkout.js'
export type { WebhookOutcome } from './flows/webhook.js'
export type { DispatchResult } from './flows/dispatch.js'
export type { Funnel } from './flows/analytics.js'
export type { CreatedShare, ShareCard } from './flows/share.js'
export { backoffMs } from './flows/dispatch.js'
export { memoryStorage } from './adapters/memory-storage/index.js'
export {
  sandboxPayments,
  SANDBOX_SIGNATURE_HEADER,
  type SandboxPayments,
  type SandboxPaymentsOptions,
} from './adapters/sandbox-payments.js'
export {
  sandboxIdentity,
  type SandboxIdentity,
  type SandboxIdentityOptions,
} from './adapters/sandbox-identity.js'
export { consoleMessaging, type ConsoleMessagingOptions } from './adapters/console-messaging.js'
export { parseInput } from './schemas.js'
export { newId, newOrderNumber, randomBase62 } from './_internal/ids.js'
export { referralRewards, type ReferralRewardsOptions, type RewardRule } from './plugins/referral-rewards.js'
