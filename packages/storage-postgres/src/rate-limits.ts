import type { StorageAdapter } from '@loopkit/core'
import { bucketRefillMs, bucketRetryAfterMs } from '@loopkit/core/kit'
import type { Db } from './_internal/db.js'

type RateLimitOps = Required<Pick<StorageAdapter, 'takeTokens'>>

/** Refilled buckets (a missing bucket is a full one) are swept by one in this many checks. */
const SWEEP_EVERY = 1000

// The bucket's level now: refilled since the last check (never backwards), capped at capacity.
const LEVEL = 'LEAST($2::float8, b.tokens + GREATEST(0, $5::bigint - b.updated_at) * $3::float8 / 1000.0)'

export function rateLimitOps(db: Db): RateLimitOps {
  const { s } = db
  // One statement per check. ON CONFLICT DO UPDATE locks the row and reads its latest version, so
  // concurrent checks from every instance queue on the bucket and never take the same token twice.
  const take = `INSERT INTO ${s}.rate_limits AS b (key, tokens, updated_at, expires_at, allowed)
    VALUES ($1, CASE WHEN $2::float8 >= $4::float8 THEN $2::float8 - $4::float8 ELSE $2::float8 END,
            $5::bigint, $6::bigint, $2::float8 >= $4::float8)
    ON CONFLICT (key) DO UPDATE SET
      tokens = CASE WHEN ${LEVEL} >= $4::float8 THEN ${LEVEL} - $4::float8 ELSE ${LEVEL} END,
      allowed = ${LEVEL} >= $4::float8,
      updated_at = GREATEST(b.updated_at, $5::bigint),
      expires_at = GREATEST(b.expires_at, $6::bigint)
    RETURNING tokens, allowed`
  let takes = 0
  return {
    async takeTokens(input) {
      const { rows } = await db.query<{ tokens: number; allowed: boolean }>(take, [
        input.key,
        input.capacity,
        input.refillPerSecond,
        input.cost,
        input.now,
        input.now + bucketRefillMs(input),
      ])
      takes += 1
      if (takes % SWEEP_EVERY === 0)
        await db.query(`DELETE FROM ${s}.rate_limits WHERE expires_at <= $1`, [input.now])
      const row = rows[0]!
      return row.allowed
        ? { allowed: true, retryAfterMs: 0 }
        : { allowed: false, retryAfterMs: bucketRetryAfterMs(row.tokens, input) }
    },
  }
}
