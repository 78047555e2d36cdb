import type { StorageAdapter } from '@loopkit/core'
import { describe } from 'vitest'
import { activityDeliveryCases } from './activity-delivery.js'
import { audienceCases } from './audiences.js'
import { cacheCases } from './cache.js'
import { campaignDeliveryCases } from './campaign-delivery.js'
import { campaignLinkCases } from './campaign-links.js'
import { campaignListCases } from './campaign-list.js'
import { campaignCases } from './campaigns.js'
import { catalogCases } from './catalog.js'
import { type TestStorageAdapterOptions, useStorage } from './context.js'
import { customerCases } from './customers.js'
import { customerActivityCases } from './customers-activity.js'
import { customerListingCases } from './customers-listing.js'
import { customerScaleCases, seedThroughContract } from './customers-scale.js'
import { effectsCases } from './effects.js'
import { eventCases } from './events.js'
import { latePaymentCases } from './late-payments.js'
import { limitCases } from './limits.js'
import { mergeCases } from './merges.js'
import { orderCases } from './orders.js'
import { outboxCases } from './outbox.js'
import { outboxBatchCases } from './outbox-batch.js'
import { paymentCases } from './payments.js'
import { policyCases } from './policy.js'
import { rateLimitCases } from './rate-limits.js'
import { refundQueueCases } from './refund-queue.js'
import { refundCases } from './refunds.js'
import { rewardClawbackCases } from './reward-clawback.js'
import { rewardCases } from './rewards.js'
import { rollupWindowCases } from './rollup-windows.js'
import { rollupCases } from './rollups.js'
import { shareCases } from './shares.js'
import { stockCases } from './stock.js'
import { transitionCases } from './transitions.js'

export type { TestStorageAdapterOptions } from './context.js'

/**
 * Declares the storage contract suite: a vitest `describe` block that proves a
 * {@link StorageAdapter} does every operation atomically — no oversell under 1,000 concurrent
 * buyers, webhooks applied exactly once, refunds and rewards within their limits, outbox leases
 * that never overlap, locks with one winner. It uses only the public contract, so an adapter
 * passes it unchanged or not at all.
 *
 * `create` is called before every test and must return an empty adapter; `destroy` (default:
 * `storage.close()`) after every test. The customer-listing scale case seeds 100,000 customers;
 * pass `seedCustomers` (e.g. one multi-row insert) when the public operations are too slow for that.
 *
 * @example
 * ```ts
 * // test/storage.test.ts
 * import { testStorageAdapter } from '@loopkit/testing'
 * import { myStorage } from '../src/index.js'
 *
 * testStorageAdapter({
 *   name: 'my-storage',
 *   create: async () => myStorage({ url: process.env.DATABASE_URL!, schema: `t_${Date.now()}` }),
 *   destroy: async (storage) => storage.close?.(),
 * })
 * ```
 */
export function testStorageAdapter(options: TestStorageAdapterOptions): void {
  describe(`storage contract: ${options.name}`, () => {
    const ctx = useStorage(options)
    customerCases(ctx)
    customerActivityCases(ctx)
    activityDeliveryCases(ctx)
    customerListingCases(ctx)
    audienceCases(ctx)
    customerScaleCases(ctx, options.seedCustomers ?? seedThroughContract)
    mergeCases(ctx)
    catalogCases(ctx)
    orderCases(ctx)
    transitionCases(ctx)
    stockCases(ctx)
    limitCases(ctx)
    paymentCases(ctx)
    latePaymentCases(ctx)
    refundCases(ctx)
    refundQueueCases(ctx)
    shareCases(ctx)
    rewardCases(ctx)
    rewardClawbackCases(ctx)
    eventCases(ctx)
    outboxCases(ctx)
    outboxBatchCases(ctx)
    policyCases(ctx)
    campaignCases(ctx)
    campaignListCases(ctx)
    campaignLinkCases(ctx)
    campaignDeliveryCases(ctx)
    cacheCases(ctx)
    rateLimitCases(ctx)
    effectsCases(ctx)
    rollupCases(ctx)
    rollupWindowCases(ctx)
  })
}
