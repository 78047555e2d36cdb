import type { AudienceFilter, Range } from '@loopkit/core'
import { DAY_MS } from '@loopkit/core'
import type { Params } from './_internal/effects.js'

function range(expr: string, r: Range, p: Params): string {
  if (r.min !== undefined && r.max !== undefined)
    return `${expr} BETWEEN ${p.add(r.min)}::bigint AND ${p.add(r.max)}::bigint`
  if (r.min !== undefined) return `${expr} >= ${p.add(r.min)}::bigint`
  if (r.max !== undefined) return `${expr} <= ${p.add(r.max)}::bigint`
  return 'true'
}

/** The first instant inside "within `days` of `now`" (times are integers, so `>= ceil` is exact). */
const since = (now: number, days: number): number => Math.ceil(now - days * DAY_MS)

/**
 * Compiles an audience filter to a parameterised PostgreSQL condition on `<schema>.customers c`,
 * adding its values to `p`. Every leaf is true or false, never NULL, so `not` negates exactly as
 * the memory adapter does. Tags are the row's array; identities, consents, referrals and rewards
 * are reached through their per-customer keys; order figures come from `customer_stats`.
 *
 * @example
 * ```ts
 * const p = new Params()
 * compileFilter('"shop"', { all: [{ tag: 'vip' }, { followed: true }] }, Date.now(), p)
 * // "(($1::text = ANY(c.tags)) AND c.followed_at IS NOT NULL)"
 * ```
 */
export function compileFilter(s: string, f: AudienceFilter, now: number, p: Params): string {
  const node = (x: AudienceFilter) => compileFilter(s, x, now, p)
  if ('all' in f) return f.all.length === 0 ? 'true' : `(${f.all.map(node).join(' AND ')})`
  if ('any' in f) return f.any.length === 0 ? 'false' : `(${f.any.map(node).join(' OR ')})`
  if ('not' in f) return `NOT ${node(f.not)}`
  if ('tag' in f) return `(${p.add(f.tag)}::text = ANY(c.tags))`
  if ('followed' in f) return f.followed ? 'c.followed_at IS NOT NULL' : 'c.followed_at IS NULL'
  if ('unfollowed' in f) return 'c.unfollowed_at IS NOT NULL'
  if ('provider' in f)
    return `EXISTS (SELECT 1 FROM ${s}.identities i WHERE i.customer_id = c.id AND i.provider = ${p.add(f.provider)}::text)`
  if ('consent' in f)
    return `EXISTS (SELECT 1 FROM ${s}.consents k WHERE k.customer_id = c.id
      AND k.channel = ${p.add(f.consent.channel)}::text AND k.topic = ${p.add(f.consent.topic)}::text
      AND k.revoked_at IS NULL AND (k.remaining IS NULL OR k.remaining > 0))`
  if ('lastOrderWithinDays' in f)
    return `EXISTS (SELECT 1 FROM ${s}.customer_stats st WHERE st.customer_id = c.id
      AND st.last_paid_at >= ${p.add(since(now, f.lastOrderWithinDays))}::bigint)`
  if ('orders' in f)
    return range(
      `(SELECT coalesce(sum(st.orders), 0) FROM ${s}.customer_stats st WHERE st.customer_id = c.id)`,
      f.orders,
      p,
    )
  if ('spent' in f)
    return range(
      `coalesce((SELECT st.spent FROM ${s}.customer_stats st
        WHERE st.customer_id = c.id AND st.currency = ${p.add(f.spent.currency)}::text), 0)`,
      f.spent,
      p,
    )
  if ('referrals' in f)
    return range(`(SELECT count(*) FROM ${s}.customers r WHERE r.referred_by = c.id)`, f.referrals, p)
  if ('rewards' in f)
    return range(
      `(SELECT coalesce(sum(w.amount - w.clawed_back), 0) FROM ${s}.rewards w WHERE w.sharer_id = c.id
        AND w.currency = ${p.add(f.rewards.currency)}::text AND w.status IN ('held', 'released'))`,
      f.rewards,
      p,
    )
  if ('interactedWithinDays' in f)
    return `coalesce(c.last_interaction_at >= ${p.add(since(now, f.interactedWithinDays))}::bigint, false)`
  if ('createdAfter' in f) return `c.created_at > ${p.add(f.createdAfter)}::bigint`
  if ('createdBefore' in f) return `c.created_at < ${p.add(f.createdBefore)}::bigint`
  const never: never = f
  throw new Error(`[loopkit] [storage-postgres] Unknown audience filter ${JSON.stringify(never)}.`)
}
