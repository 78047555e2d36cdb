import type { TakeTokensInput, TakeTokensResult } from '../../contracts/rate-limit.js'

/** A bucket's stored state: its tokens as of `updatedAt` (epoch ms). */
export interface Bucket {
  tokens: number
  updatedAt: number
}

/**
 * The token-bucket rule every store applies (the SQL adapters spell the same arithmetic in SQL):
 * refill for the time since the last check (none if the clock went back), cap at `capacity`, then
 * take `cost` if there is enough. A missing bucket is a full one.
 *
 * @example
 * ```ts
 * const { bucket, allowed } = takeFromBucket(undefined, { key: 'k', capacity: 2, refillPerSecond: 1, cost: 1, now: 0 })
 * // allowed === true, bucket.tokens === 1
 * ```
 */
export function takeFromBucket(
  stored: Bucket | undefined,
  input: TakeTokensInput,
): TakeTokensResult & { bucket: Bucket } {
  const { capacity, refillPerSecond, cost, now } = input
  const level = stored
    ? Math.min(capacity, stored.tokens + (Math.max(0, now - stored.updatedAt) * refillPerSecond) / 1000)
    : capacity
  const updatedAt = stored ? Math.max(stored.updatedAt, now) : now
  if (level >= cost) return { allowed: true, retryAfterMs: 0, bucket: { tokens: level - cost, updatedAt } }
  return {
    allowed: false,
    retryAfterMs: bucketRetryAfterMs(level, input),
    bucket: { tokens: level, updatedAt },
  }
}

/**
 * How long until a bucket at `level` holds `cost` tokens (practically never, for a cost above
 * capacity). Storage adapters use it to answer `retryAfterMs` from the level their SQL returned.
 *
 * @example
 * ```ts
 * bucketRetryAfterMs(0.5, { key: 'k', capacity: 10, refillPerSecond: 0.5, cost: 1, now: 0 }) // 1000
 * ```
 */
export function bucketRetryAfterMs(level: number, input: TakeTokensInput): number {
  if (input.cost > input.capacity || input.refillPerSecond <= 0) return Number.MAX_SAFE_INTEGER
  return Math.max(1, Math.ceil(((input.cost - level) / input.refillPerSecond) * 1000))
}

/**
 * How long an untouched bucket takes to be full again from empty: after that it can be forgotten.
 *
 * @example
 * ```ts
 * bucketRefillMs({ capacity: 10, refillPerSecond: 0.5 }) // 20000
 * ```
 */
export function bucketRefillMs(input: Pick<TakeTokensInput, 'capacity' | 'refillPerSecond'>): number {
  return Math.ceil((input.capacity / input.refillPerSecond) * 1000)
}
