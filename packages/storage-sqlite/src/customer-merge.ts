import type { Customer } from '@loopkit/core'
import type { CustomerMerge } from '@loopkit/core/kit'
import { mergeCustomers } from '@loopkit/core/kit'
import type { Db } from './_internal/db.js'
import { MERGE_STATS } from './customer-stats.js'

// Re-pointing statements of a merge, in the caller's transaction. An idempotency key both customers
// used is dropped from the merged one's order (which stays); a reward the survivor already has for
// the same order stays with the merged id rather than break the (sharer, order) key.
const MOVES = [
  'UPDATE customer_identities SET customer_id = @S WHERE customer_id = @M',
  `UPDATE orders SET idempotency_key = NULL WHERE customer_id = @M AND idempotency_key IN
     (SELECT idempotency_key FROM orders WHERE customer_id = @S AND idempotency_key IS NOT NULL)`,
  'UPDATE orders SET customer_id = @S, updated_at = @now WHERE customer_id = @M',
  'UPDATE shares SET customer_id = @S WHERE customer_id = @M',
  'UPDATE visits SET customer_id = @S WHERE customer_id = @M',
  'UPDATE visits SET sharer_id = @S WHERE sharer_id = @M',
  'UPDATE campaign_visits SET customer_id = @S WHERE customer_id = @M',
  `UPDATE rewards SET sharer_id = @S, updated_at = @now WHERE sharer_id = @M
     AND order_id NOT IN (SELECT order_id FROM rewards WHERE sharer_id = @S)`,
  'UPDATE customers SET referred_by = @S WHERE referred_by = @M',
  'UPDATE customer_merges SET survivor_id = @S WHERE survivor_id = @M',
  'INSERT INTO customer_merges (merged_id, survivor_id, merged_at) VALUES (@M, @S, @now)',
  ...MERGE_STATS,
  'DELETE FROM customers WHERE id = @M',
]
const SURVIVOR = `UPDATE customers SET identities = ?, display_name = ?, avatar_url = ?, tags = ?, consents = ?,
  referred_by = ?, followed_at = ?, unfollowed_at = ?, last_interaction_at = ?, time_zone = ?, updated_at = ?
  WHERE id = ?`

/**
 * Folds one customer into another inside the caller's transaction (the write lock is held, so no
 * other operation sees half a merge). The survivor's record comes from core's `mergeCustomers`,
 * the same as in every adapter. Returns the survivor as stored.
 */
export function mergeRows(
  db: Db,
  input: { merge: CustomerMerge; survivor: Customer; merged: Customer; now: number },
): Customer {
  const { merge, now } = input
  const combined = mergeCustomers({ survivor: input.survivor, merged: input.merged, now })
  const params = { S: merge.survivorId, M: merge.mergedId, now }
  for (const sql of MOVES) db.q(sql).run(params)
  db.q(SURVIVOR).run(
    JSON.stringify(combined.identities),
    combined.displayName,
    combined.avatarUrl,
    JSON.stringify(combined.tags),
    JSON.stringify(combined.consents),
    combined.referredBy,
    combined.followedAt,
    combined.unfollowedAt,
    combined.lastInteractionAt,
    combined.timeZone,
    now,
    combined.id,
  )
  return combined
}
