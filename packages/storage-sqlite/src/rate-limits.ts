import type { StorageAdapter } from '@loopkit/core'
import { bucketRefillMs, bucketRetryAfterMs } from '@loopkit/core/kit'
import type { Db } from './_internal/db.js'

type RateLimitOps = Required<Pick<StorageAdapter, 'takeTokens'>>

/** Refilled buckets (a missing bucket is a full one) are swept every this many checks. */
const SWEEP_EVERY = 1000

// The bucket's level now: refilled since the last check (never backwards), capped at capacity.
const LEVEL = `min(@capacity, rate_limits.tokens + max(0, @now - rate_limits.updated_at) * @refill / 1000.0)`

// One statement per check: insert a full bucket minus the cost, or refill and take from the stored
// one. Every SET expression reads the row as it was before this statement, so the check is atomic.
const TAKE = `INSERT INTO rate_limits (key, tokens, updated_at, expires_at, allowed)
  VALUES (@key, CASE WHEN @capacity >= @cost THEN @capacity - @cost ELSE @capacity END, @now, @expires, @capacity >= @cost)
  ON CONFLICT (key) DO UPDATE SET
    tokens = CASE WHEN ${LEVEL} >= @cost THEN ${LEVEL} - @cost ELSE ${LEVEL} END,
    allowed = ${LEVEL} >= @cost,
    updated_at = max(rate_limits.updated_at, @now),
    expires_at = max(rate_limits.expires_at, @expires)
  RETURNING tokens, allowed`

export function rateLimitOps(db: Db): RateLimitOps {
  let takes = 0
  const take = db.tx((input: Parameters<RateLimitOps['takeTokens']>[0]) => {
    const row = db.q(TAKE).get({
      key: input.key,
      capacity: input.capacity,
      refill: input.refillPerSecond,
      cost: input.cost,
      now: input.now,
      expires: input.now + bucketRefillMs(input),
    }) as { tokens: number; allowed: number }
    takes += 1
    if (takes % SWEEP_EVERY === 0) db.q('DELETE FROM rate_limits WHERE expires_at <= ?').run(input.now)
    return row.allowed
      ? { allowed: true, retryAfterMs: 0 }
      : { allowed: false, retryAfterMs: bucketRetryAfterMs(row.tokens, input) }
  })
  return {
    async takeTokens(input) {
      return take(input)
    },
  }
}
