import type { RateLimitStore } from '../../contracts/rate-limit.js'
import { type Bucket, takeFromBucket } from './token-bucket.js'

/** Options of {@link memoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  /** Buckets kept at most; the least recently used go first. Default 100,000 (a few MB). */
  maxKeys?: number
}

/**
 * A {@link RateLimitStore} in this process's memory: the default, right for one instance. Each
 * check is synchronous inside its promise, so concurrent checks never take the same token twice.
 * Memory is bounded: past `maxKeys` the least recently used buckets are dropped (a dropped bucket
 * is a full one, so this only ever errs towards allowing).
 *
 * @example
 * ```ts
 * createLoop({ secret, baseUrl, storage, rateLimits: { store: memoryRateLimitStore({ maxKeys: 10_000 }) } })
 * ```
 */
export function memoryRateLimitStore(options: MemoryRateLimitStoreOptions = {}): RateLimitStore & {
  /** Buckets currently held (for tests and metrics). */
  readonly size: number
} {
  const maxKeys = options.maxKeys ?? 100_000
  const buckets = new Map<string, Bucket>()
  return {
    get size() {
      return buckets.size
    },
    async take(input) {
      const { bucket, allowed, retryAfterMs } = takeFromBucket(buckets.get(input.key), input)
      // Delete and set again: a Map iterates in insertion order, so the first keys are the coldest.
      buckets.delete(input.key)
      buckets.set(input.key, bucket)
      if (buckets.size > maxKeys) {
        // Drop a tenth at once, coldest first, so the cost is paid once per many checks.
        for (const k of buckets.keys()) {
          if (buckets.size <= maxKeys * 0.9) break
          buckets.delete(k)
        }
      }
      return { allowed, retryAfterMs }
    },
  }
}
