import type { StorageAdapter } from '../../contracts/storage.js'
import { type Bucket, takeFromBucket } from '../../security/rate-limit/token-bucket.js'

type RateLimitOps = Required<Pick<StorageAdapter, 'takeTokens'>>

/**
 * Token buckets for `rateLimits: { store: 'storage' }`. Each check runs synchronously inside its
 * promise, so it is atomic like every other memory operation; the reference for the SQL adapters.
 */
export function rateLimitOps(buckets: Map<string, Bucket>): RateLimitOps {
  return {
    async takeTokens(input) {
      const { bucket, allowed, retryAfterMs } = takeFromBucket(buckets.get(input.key), input)
      buckets.set(input.key, bucket)
      return { allowed, retryAfterMs }
    },
  }
}
