/**
 * One check against a token bucket: the bucket `key` holds at most `capacity` tokens, refills at
 * `refillPerSecond`, and starts full; a check takes `cost` tokens if it has them.
 */
export interface TakeTokensInput {
  key: string
  capacity: number
  refillPerSecond: number
  /** Tokens this request costs; usually 1. */
  cost: number
  /** The caller's clock (epoch ms). A clock behind the stored one refills nothing, never negative. */
  now: number
}

/** The answer of a token-bucket check. */
export interface TakeTokensResult {
  allowed: boolean
  /** When refused: how long until `cost` tokens are back; 0 when allowed. */
  retryAfterMs: number
}

/**
 * Where the loop's rate limits keep their buckets. `memoryRateLimitStore()` counts in this process;
 * a storage adapter with `takeTokens` counts across every instance sharing the database.
 *
 * @example
 * ```ts
 * const store: RateLimitStore = { take: (input) => myRedisBucket(input) }
 * createLoop({ secret, baseUrl, rateLimits: { store } })
 * ```
 */
export interface RateLimitStore {
  take(input: TakeTokensInput): Promise<TakeTokensResult>
}

/** The optional storage operation behind `rateLimits: { store: 'storage' }`. */
export interface RateLimitStorage {
  /**
   * Takes `cost` tokens from the bucket `key` in one atomic step (one statement in SQL), so the
   * loop's rate limits hold across every instance sharing this storage. Leave it out and the loop
   * can only count per process (`rateLimits: { store: 'memory' }`).
   */
  takeTokens(input: TakeTokensInput): Promise<TakeTokensResult>
}
