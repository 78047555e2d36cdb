import type { StorageAdapter } from '../../contracts/storage.js'
import { audienceOps } from './audiences.js'
import { cacheOps } from './cache.js'
import { campaignDeliveryOps } from './campaign-delivery.js'
import { campaignLinkOps } from './campaign-links.js'
import { campaignOps } from './campaigns.js'
import { catalogOps } from './catalog.js'
import { customerOps } from './customers.js'
import { eventOps } from './events.js'
import { orderOps } from './orders.js'
import { outboxOps } from './outbox.js'
import { paymentOps } from './payments.js'
import { rateLimitOps } from './rate-limits.js'
import { refundOps } from './refunds.js'
import { rewardOps } from './rewards.js'
import { rollupOps } from './rollups.js'
import { shareOps } from './shares.js'
import { createState } from './state.js'

/**
 * Options of {@link memoryStorage}.
 * @inline
 */
export interface MemoryStorageOptions {
  /** The adapter's `name`, for telling several apart in logs. Defaults to `"memory"`. */
  name?: string
}

/**
 * A {@link StorageAdapter} that keeps everything in this process's memory: for tests, demos and
 * single-process tools. Each operation runs synchronously inside its promise, so concurrent calls
 * are serialized and every operation is atomic (no oversell, exactly-once webhooks). Values are
 * copied in and out, so mutating a returned object never changes what is stored.
 *
 * State is lost when the process exits; use `@loopkit/storage-sqlite` to keep it.
 *
 * @example
 * ```ts
 * import { createLoop } from '@loopkit/core'
 * import { memoryStorage, sandboxPayments } from '@loopkit/core/dev'
 *
 * const loop = createLoop({
 *   secret: process.env.LOOP_SECRET!,
 *   baseUrl: 'http://127.0.0.1:3000/loop',
 *   storage: memoryStorage(),
 *   payments: [sandboxPayments()],
 * })
 * ```
 */
export function memoryStorage(options: MemoryStorageOptions = {}): StorageAdapter {
  const state = createState()
  const name = options.name ?? 'memory'
  const scope = 'memory-storage'
  return {
    name,
    ...customerOps(state, scope),
    ...audienceOps(state),
    ...catalogOps(state, scope),
    ...orderOps(state, scope),
    ...paymentOps(state),
    ...refundOps(state, scope),
    ...shareOps(state, scope),
    ...rewardOps(state, scope),
    ...eventOps(state),
    ...outboxOps(state),
    ...campaignOps(state, scope),
    ...campaignLinkOps(state, scope),
    ...campaignDeliveryOps(state),
    ...cacheOps(state),
    ...rateLimitOps(new Map()),
    ...rollupOps(),
    async close() {},
  }
}
