import type { CustomerMerge } from '../../domain/customer-merge.js'
import { mergeCustomers } from '../../domain/customer-merge.js'
import { key, type MemoryState } from './state.js'

/** Re-points every map entry whose value is `from` to `to`. */
function repoint(map: Map<string, string>, from: string, to: string): void {
  for (const [k, v] of map) if (v === from) map.set(k, to)
}

/**
 * Folds `mergedId` into `survivorId`, synchronously (so atomically for every other caller): the
 * combined customer record, then everything that names the merged id — identities, unionids,
 * orders (an idempotency key both used is dropped from the merged one's order, which stays), shares,
 * visits, rewards (one the survivor already has for the same order stays where it is), the
 * customers it referred, and earlier merges into it.
 */
export function mergeInto(state: MemoryState, merge: CustomerMerge, now: number): void {
  const { survivorId: S, mergedId: M } = merge
  const survivor = state.customers.get(S)!
  const merged = state.customers.get(M)!
  state.customers.set(S, mergeCustomers({ survivor, merged, now }))
  state.customers.delete(M)
  state.customerOrder = null
  state.mergedInto.set(M, S)
  repoint(state.mergedInto, M, S)
  repoint(state.identities, M, S)
  repoint(state.unionIds, M, S)

  for (const o of state.orders.values()) {
    if (o.customerId !== M) continue
    o.customerId = S
    o.updatedAt = now
    if (o.idempotencyKey === null) continue
    state.idempotencyKeys.delete(key(M, o.idempotencyKey))
    if (state.idempotencyKeys.has(key(S, o.idempotencyKey))) o.idempotencyKey = null
    else state.idempotencyKeys.set(key(S, o.idempotencyKey), o.id)
  }
  for (const s of state.shares.values()) if (s.customerId === M) s.customerId = S
  for (const v of state.visits.values()) {
    if (v.customerId === M) v.customerId = S
    if (v.sharerId === M) v.sharerId = S
  }
  for (const v of state.campaignVisits.values()) if (v.customerId === M) v.customerId = S
  for (const r of state.rewards.values()) {
    if (r.sharerId !== M || state.rewardKeys.has(key(S, r.orderId))) continue
    state.rewardKeys.delete(key(M, r.orderId))
    state.rewardKeys.set(key(S, r.orderId), r.id)
    r.sharerId = S
    r.updatedAt = now
  }
  for (const c of state.customers.values()) {
    if (c.referredBy === M) c.referredBy = c.id === S ? null : S
  }
}
