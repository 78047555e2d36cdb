/**
 * `@loopkit/core/kit`: the rules that storage and vendor adapters share with core's own memory
 * storage, for adapter authors — customer merges and follow activity, consent changes, stock and
 * purchase-limit checks, RFM deltas, token buckets for a rate-limit store, and the zod helpers that
 * check a vendor's answers. An app never imports it; `createLoop` does not need it.
 *
 * @module
 */
export { applyConsentChange, type ConsentChange } from '../domain/consent.js'
export {
  type ActivityChange,
  type ActivityFields,
  applyActivity,
  mergeActivity,
} from '../domain/customer-activity.js'
export { type CustomerMerge, chooseSurvivor, mergeCustomers } from '../domain/customer-merge.js'
export * from '../domain/rfm.js'
export { checkDelta, checkLimit, checkStock } from '../domain/stock.js'
export { type AnswerSource, answerSchema, parseAnswer } from '../schemas/vendor-answer.js'
export {
  type Bucket,
  bucketRefillMs,
  bucketRetryAfterMs,
  takeFromBucket,
} from '../security/rate-limit/token-bucket.js'
