/**
 * `@loopkit/core`: `createLoop()` and its Web handler, the adapter contracts, the domain types and
 * rules, and `LoopError`. Development adapters (memory storage, the sandbox, console messages and
 * `devDefaults()`) are in `@loopkit/core/dev`; the plugins core ships are in `@loopkit/core/plugins`;
 * the Node bridge is in `@loopkit/core/node`.
 *
 * @module
 */
export { newId, newOrderNumber, randomBase62 } from './_internal/ids.js'
export type * from './contracts/index.js'
export * from './domain/audience.js'
export * from './domain/campaign.js'
export * from './domain/catalog.js'
export type * from './domain/customer.js'
export { identityFor } from './domain/customer.js'
export type * from './domain/event.js'
export * from './domain/money.js'
export type * from './domain/notification.js'
export * from './domain/order.js'
export * from './domain/rollup-window.js'
export type * from './domain/share.js'
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
export type { CampaignLink } from './flows/campaign/link.js'
export type { CampaignListInput, CampaignPage } from './flows/campaign/list.js'
export type { CampaignPreview, CampaignRouting } from './flows/campaign/preview.js'
export type { CampaignReport, MassSendReport } from './flows/campaign/report.js'
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
export { parseInput } from './schemas.js'
export { describeOptionValue } from './security/option-value.js'
export type { RateLimitedRoute, RateLimitOptions, RateLimitRule } from './security/rate-limit/limits.js'
export {
  type MemoryRateLimitStoreOptions,
  memoryRateLimitStore,
} from './security/rate-limit/memory-store.js'
