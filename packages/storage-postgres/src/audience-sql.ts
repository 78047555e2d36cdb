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
 * How a filter is evaluated. `page` (keyset listing) tests one customer at a time with lookups on
 * per-customer keys, so a page costs the same however large the pool; `count` writes the aggregate
 * nodes as sets (`IN (SELECT … GROUP BY … HAVING …)`), which the planner hashes once for a
 * whole-pool count instead of probing per customer.
 */
export type FilterMode = 'page' | 'count'

/**
 * Customers whose `figure` (grouped by `key` over `from`) is in the range. When 0 is in the range,
 * customers absent from `from` match too: "not among those outside the range".
 */
function inSet(x: {
  key: string
  from: string
  figure: string
  r: Range
  p: Params
  perRow?: boolean
}): string {
  if (x.r.min === undefined && x.r.max === undefined) return 'true'
  const inRange = range(x.figure, x.r, x.p)
  const zero = (x.r.min === undefined || x.r.min <= 0) && (x.r.max === undefined || x.r.max >= 0)
  const test = zero ? `NOT (${inRange})` : inRange
  // `perRow`: `from` has one row per customer already (no grouping needed).
  const set = x.perRow
    ? `SELECT ${x.key} FROM ${x.from} AND ${test}`
    : `SELECT ${x.key} FROM ${x.from} GROUP BY ${x.key} HAVING ${test}`
  return zero ? `c.id NOT IN (${set})` : `c.id IN (${set})`
}

/** `count` mode: aggregate nodes as sets, everything else as in `page` mode. */
function setNode(s: string, f: AudienceFilter, p: Params): string | null {
  if ('spent' in f) {
    const from = `${s}.customer_stats WHERE currency = ${p.add(f.spent.currency)}::text`
    return inSet({ key: 'customer_id', from, figure: 'spent', r: f.spent, p, perRow: true })
  }
  if ('referrals' in f) {
    const from = `${s}.customers WHERE referred_by IS NOT NULL`
    return inSet({ key: 'referred_by', from, figure: 'count(*)', r: f.referrals, p })
  }
  if ('rewards' in f) {
    const from = `${s}.rewards WHERE currency = ${p.add(f.rewards.currency)}::text AND status IN ('held', 'released')`
    return inSet({ key: 'sharer_id', from, figure: 'sum(amount - clawed_back)', r: f.rewards, p })
  }
  return null
}

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
export function compileFilter(
  s: string,
  f: AudienceFilter,
  now: number,
  p: Params,
  mode: FilterMode = 'page',
): string {
  const node = (x: AudienceFilter) => compileFilter(s, x, now, p, mode)
  const set = mode === 'count' ? setNode(s, f, p) : null
  if (set !== null) return set
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
  // Counted orders and the last payment across currencies are columns of the row itself.
  if ('lastOrderWithinDays' in f)
    return `coalesce(c.last_order_at >= ${p.add(since(now, f.lastOrderWithinDays))}::bigint, false)`
  if ('orders' in f) return range('c.order_count', f.orders, p)
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
  if ('followedWithinDays' in f)
    return `coalesce(c.followed_at >= ${p.add(since(now, f.followedWithinDays))}::bigint, false)`
  if ('interactedWithinDays' in f)
    return `coalesce(c.last_interaction_at >= ${p.add(since(now, f.interactedWithinDays))}::bigint, false)`
  if ('createdAfter' in f) return `c.created_at > ${p.add(f.createdAfter)}::bigint`
  if ('createdBefore' in f) return `c.created_at < ${p.add(f.createdBefore)}::bigint`
  const never: never = f
  throw new Error(`[loopkit] [storage-postgres] Unknown audience filter ${JSON.stringify(never)}.`)
}
