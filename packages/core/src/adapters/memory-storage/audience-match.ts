import { type AudienceFilter, DAY_MS, inRange } from '../../domain/audience.js'
import type { Customer } from '../../domain/customer.js'
import { orderRfm } from '../../domain/rfm.js'
import type { MemoryState } from './state.js'

/** Per-customer figures a filter may need, computed once per query from the stored records. */
interface Facts {
  orders: Map<string, number>
  /** `customerId \0 currency` → net spend. */
  spent: Map<string, number>
  lastPaidAt: Map<string, number>
  referrals: Map<string, number>
  /** `customerId \0 currency` → kept reward total. */
  rewards: Map<string, number>
}

function needs(f: AudienceFilter, out: Set<string>): Set<string> {
  if ('all' in f) for (const c of f.all) needs(c, out)
  else if ('any' in f) for (const c of f.any) needs(c, out)
  else if ('not' in f) needs(f.not, out)
  else out.add(Object.keys(f)[0]!)
  return out
}

const add = (map: Map<string, number>, k: string, v: number): void => {
  map.set(k, (map.get(k) ?? 0) + v)
}

/**
 * The reference evaluation of an audience filter: derives every figure from the orders, customers
 * and rewards themselves (the SQL adapters keep aggregates instead and must agree with this).
 * Returns a predicate over customers; figures are computed only for the kinds the filter uses.
 */
export function audienceMatcher(
  state: MemoryState,
  where: AudienceFilter | undefined,
  now: number,
): (c: Customer) => boolean {
  if (!where) return () => true
  const used = needs(where, new Set())
  const facts: Facts = {
    orders: new Map(),
    spent: new Map(),
    lastPaidAt: new Map(),
    referrals: new Map(),
    rewards: new Map(),
  }
  if (used.has('orders') || used.has('spent') || used.has('lastOrderWithinDays')) {
    for (const o of state.orders.values()) {
      const rfm = orderRfm(o)
      add(facts.orders, o.customerId, rfm.orders)
      add(facts.spent, `${o.customerId}\u0000${o.currency}`, rfm.spent)
      if (o.paidAt !== null && o.paidAt > (facts.lastPaidAt.get(o.customerId) ?? -1))
        facts.lastPaidAt.set(o.customerId, o.paidAt)
    }
  }
  if (used.has('referrals')) {
    for (const c of state.customers.values()) if (c.referredBy !== null) add(facts.referrals, c.referredBy, 1)
  }
  if (used.has('rewards')) {
    for (const r of state.rewards.values()) {
      if (r.status === 'clawed_back') continue
      add(facts.rewards, `${r.sharerId}\u0000${r.currency}`, r.amount - r.clawedBack)
    }
  }
  return (c) => matches(where, c, facts, now)
}

function matches(f: AudienceFilter, c: Customer, facts: Facts, now: number): boolean {
  if ('all' in f) return f.all.every((x) => matches(x, c, facts, now))
  if ('any' in f) return f.any.some((x) => matches(x, c, facts, now))
  if ('not' in f) return !matches(f.not, c, facts, now)
  if ('tag' in f) return c.tags.includes(f.tag)
  if ('followed' in f) return (c.followedAt !== null) === f.followed
  if ('unfollowed' in f) return c.unfollowedAt !== null
  if ('provider' in f) return c.identities.some((i) => i.provider === f.provider)
  if ('consent' in f) {
    const { channel, topic } = f.consent
    return c.consents.some(
      (x) =>
        x.channel === channel &&
        x.topic === topic &&
        x.revokedAt === null &&
        (x.remaining === null || x.remaining > 0),
    )
  }
  if ('lastOrderWithinDays' in f) {
    const at = facts.lastPaidAt.get(c.id)
    return at !== undefined && at >= now - f.lastOrderWithinDays * DAY_MS
  }
  if ('orders' in f) return inRange(facts.orders.get(c.id) ?? 0, f.orders)
  if ('spent' in f) return inRange(facts.spent.get(`${c.id}\u0000${f.spent.currency}`) ?? 0, f.spent)
  if ('referrals' in f) return inRange(facts.referrals.get(c.id) ?? 0, f.referrals)
  if ('rewards' in f) return inRange(facts.rewards.get(`${c.id}\u0000${f.rewards.currency}`) ?? 0, f.rewards)
  if ('followedWithinDays' in f)
    return c.followedAt !== null && c.followedAt >= now - f.followedWithinDays * DAY_MS
  if ('interactedWithinDays' in f)
    return c.lastInteractionAt !== null && c.lastInteractionAt >= now - f.interactedWithinDays * DAY_MS
  if ('createdAfter' in f) return c.createdAt > f.createdAfter
  if ('createdBefore' in f) return c.createdAt < f.createdBefore
  const never: never = f
  throw new Error(`[loopkit] [memory-storage] Unknown audience filter ${JSON.stringify(never)}.`)
}
