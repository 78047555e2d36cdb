import type { Customer } from '@loopkit/core'
import type { CustomerMerge } from '@loopkit/core/kit'
import { mergeCustomers } from '@loopkit/core/kit'
import type { Queryable } from './_internal/db.js'
import { mergeStats } from './customer-stats.js'

/**
 * Re-pointing statements of a merge ($1 survivor, $2 merged, $3 now). An idempotency key both
 * customers used is dropped from the merged one's order (which stays); a reward the survivor
 * already has for the same order stays with the merged id rather than break `(sharer_id, order_id)`.
 */
const moves = (s: string) => [
  `UPDATE ${s}.identities SET customer_id = $1 WHERE customer_id = $2`,
  `UPDATE ${s}.orders SET idempotency_key = NULL WHERE customer_id = $2 AND idempotency_key IN
     (SELECT idempotency_key FROM ${s}.orders WHERE customer_id = $1 AND idempotency_key IS NOT NULL)`,
  `UPDATE ${s}.orders SET customer_id = $1, updated_at = $3 WHERE customer_id = $2`,
  `UPDATE ${s}.shares SET customer_id = $1 WHERE customer_id = $2`,
  `UPDATE ${s}.visits SET customer_id = $1 WHERE customer_id = $2`,
  `UPDATE ${s}.visits SET sharer_id = $1 WHERE sharer_id = $2`,
  `UPDATE ${s}.campaign_visits SET customer_id = $1 WHERE customer_id = $2`,
  `UPDATE ${s}.rewards SET sharer_id = $1, updated_at = $3 WHERE sharer_id = $2
     AND order_id NOT IN (SELECT order_id FROM ${s}.rewards WHERE sharer_id = $1)`,
  `UPDATE ${s}.customers SET referred_by = $1 WHERE referred_by = $2`,
  `UPDATE ${s}.customer_merges SET survivor_id = $1 WHERE survivor_id = $2`,
  `INSERT INTO ${s}.customer_merges (merged_id, survivor_id, merged_at) VALUES ($2, $1, $3)`,
  `DELETE FROM ${s}.consents WHERE customer_id IN ($1, $2)`,
  ...mergeStats(s),
  // `$1` is named so the statement types it (an unused parameter has no type).
  `DELETE FROM ${s}.customers WHERE id = $2 AND id <> $1`,
]

/**
 * Folds one customer into another inside the caller's transaction, which holds the identity and
 * unionid locks of the login that found the link. The survivor's record (tags, consents, profile)
 * comes from core's `mergeCustomers`, the same as in every adapter; its consents are written back
 * whole, in order.
 */
export async function mergeRows(
  q: Queryable,
  s: string,
  input: { merge: CustomerMerge; survivor: Customer; merged: Customer; now: number },
): Promise<void> {
  const { merge, now } = input
  const combined = mergeCustomers({ survivor: input.survivor, merged: input.merged, now })
  // Lock both rows first, in id order, so a concurrent update of either waits for the merge.
  await q.query(`SELECT 1 FROM ${s}.customers WHERE id IN ($1, $2) ORDER BY id FOR UPDATE`, [
    merge.survivorId,
    merge.mergedId,
  ])
  for (const sql of moves(s)) {
    // Postgres refuses a bind with more values than the statement has parameters.
    const values = [merge.survivorId, merge.mergedId, now]
    await q.query(sql, sql.includes('$3') ? values : values.slice(0, 2))
  }
  await q.query(
    `UPDATE ${s}.customers SET display_name = $2, avatar_url = $3, tags = $4, referred_by = $5, updated_at = $6,
       followed_at = $7, unfollowed_at = $8, last_interaction_at = $9, time_zone = $10
     WHERE id = $1`,
    [
      combined.id,
      combined.displayName,
      combined.avatarUrl,
      combined.tags,
      combined.referredBy,
      now,
      combined.followedAt,
      combined.unfollowedAt,
      combined.lastInteractionAt,
      combined.timeZone,
    ],
  )
  if (combined.consents.length > 0) {
    await q.query(
      `INSERT INTO ${s}.consents (customer_id, channel, topic, remaining, granted_at, revoked_at)
       SELECT $1, x->>'channel', x->>'topic', (x->>'remaining')::bigint, (x->>'grantedAt')::bigint,
              (x->>'revokedAt')::bigint
       FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(x, i) ORDER BY i`,
      [combined.id, JSON.stringify(combined.consents)],
    )
  }
}
