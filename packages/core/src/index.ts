export { newId, newOrderNumber, randomBase62 } from './_internal/ids.js'
export { type ConsoleMessagingOptions, consoleMessaging } from './adapters/console-messaging.js'
export { type MemoryStorageOptions, memoryStorage } from './adapters/memory-storage/index.js'
export {
  type SandboxIdentity,
  type SandboxIdentityOptions,
  sandboxIdentity,
} from './adapters/sandbox-identity.js'
export {
  SANDBOX_SIGNATURE_HEADER,
  type SandboxOperation,
  type SandboxPayments,
  type SandboxPaymentsOptions,
  sandboxPayments,
} from './adapters/sandbox-payments.js'
export type * from './contracts/index.js'
export * from './domain/audience.js'
export * from './domain/campaign.js'
export * from './domain/catalog.js'
export { applyConsentChange, type ConsentChange } from './domain/consent.js'
export type * from './domain/customer.js'
export { identityFor } from './domain/customer.js'
export {
  type ActivityChange,
  type ActivityFields,
  applyActivity,
  mergeActivity,
} from './domain/customer-activity.js'
export { type CustomerMerge, chooseSurvivor, mergeCustomers } from './domain/customer-merge.js'
export type * from './domain/event.js'
export * from './domain/money.js'
export type * from './domain/notification.js'
export * from './domain/order.js'
export * from './domain/rfm.js'
export * from './domain/rollup-window.js'
export type * from './domain/share.js'
export { checkDelta, checkLimit, checkStock } from './domain/stock.js'
export * from './errors.js'
export type {
  AnalyticsReport,
  AnalyticsWindow,
  BreakdownRow,
  Cohort,
  Dimension,
  FoldRollupsInput,
  Funnel,
  FunnelStep,
  FunnelStepName,
  SeriesPoint,
  SharerRow,
  Virality,
} from './flows/analytics/index.js'
export { csvCell, foldRollups, toCsv } from './flows/analytics/index.js'
export { builtInAudiences } from './flows/audience/built-in.js'
export type { CustomerPage } from './flows/audience/members.js'
export type { CreateCampaignInput } from './flows/campaign/create.js'
export type { CampaignPreview } from './flows/campaign/preview.js'
export type { CampaignReport } from './flows/campaign/report.js'
export type { CheckoutResult } from './flows/checkout.js'
export type { DispatchInput, DispatchResult } from './flows/dispatch.js'
export { backoffMs } from './flows/dispatch.js'
export { quietUntil } from './flows/policy/quiet-hours.js'
export type {
  NotificationPolicy,
  PolicyChannel,
  PolicyClass,
  PolicyTopic,
  QuietHours,
} from './flows/policy/types.js'
export type { RefundReconcileResult } from './flows/reconcile-refunds.js'
export type { CreatedShare, ShareCard } from './flows/share.js'
export type { WebhookOutcome } from './flows/webhook.js'
export { escapeHtml, wantsHtml } from './http/pages.js'
export { createLoop, type Loop } from './loop/create-loop.js'
export type { LoopEvent, LoopEventData, LoopEventType, LoopListener } from './loop/events.js'
export type {
  LoopOptions,
  NotificationInput,
  NotificationTemplate,
  NotificationTopic,
  PageLayout,
  PageLayoutInput,
} from './loop/options.js'
export { type ReferralRewardsOptions, type RewardRule, referralRewards } from './plugins/referral-rewards.js'
export { type AnswerSource, answerSchema, parseAnswer } from './schemas/vendor-answer.js'
export { parseInput } from './schemas.js'
export { describeOptionValue } from './security/option-value.js'
export type { RateLimitedRoute, RateLimitOptions, RateLimitRule } from './security/rate-limit/limits.js'
export {
  type MemoryRateLimitStoreOptions,
  memoryRateLimitStore,
} from './security/rate-limit/memory-store.js'
export {
  type Bucket,
  bucketRefillMs,
  bucketRetryAfterMs,
  takeFromBucket,
} from './security/rate-limit/token-bucket.js'
