import type { AudienceFilter, Range } from '@loopkit/core'
import { DAY_MS } from '@loopkit/core'

/** A WHERE clause over `customers c` and its positional parameters. */
export interface CompiledFilter {
  sql: string
  params: unknown[]
}

function range(expr: string, r: Range, params: unknown[]): string {
  if (r.min !== undefined && r.max !== undefined) {
    params.push(r.min, r.max)
    return `${expr} BETWEEN ? AND ?`
  }
  if (r.min !== undefined) {
    params.push(r.min)
    return `${expr} >= ?`
  }
  if (r.max !== undefined) {
    params.push(r.max)
    return `${expr} <= ?`
  }
  return '1'
}

/** The first instant inside "within `days` of `now`" (times are integers, so `>= ceil` is exact). */
const since = (now: number, days: number): number => Math.ceil(now - days * DAY_MS)

/**
 * Compiles an audience filter to a parameterised SQLite condition on `customers c`. Every leaf is
 * true or false, never NULL, so `not` negates exactly as the memory adapter does. Tags, identities
 * and consents are read from the row's JSON; order figures from `customer_stats`; referrals and
 * rewards through their indexes (`customers_referred_by`, the rewards `(sharer_id, order_id)` key).
 *
 * @example
 * ```ts
 * compileFilter({ all: [{ tag: 'vip' }, { followed: true }] }, Date.now())
 * // { sql: "(EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = ?) AND c.followed_at IS NOT NULL)", params: ['vip'] }
 * ```
 */
export function compileFilter(f: AudienceFilter, now: number): CompiledFilter {
  const params: unknown[] = []
  const sql = node(f, now, params)
  return { sql, params }
}

function node(f: AudienceFilter, now: number, p: unknown[]): string {
  if ('all' in f) return f.all.length === 0 ? '1' : `(${f.all.map((x) => node(x, now, p)).join(' AND ')})`
  if ('any' in f) return f.any.length === 0 ? '0' : `(${f.any.map((x) => node(x, now, p)).join(' OR ')})`
  if ('not' in f) return `NOT ${node(f.not, now, p)}`
  if ('tag' in f) {
    p.push(f.tag)
    return 'EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = ?)'
  }
  if ('followed' in f) return f.followed ? 'c.followed_at IS NOT NULL' : 'c.followed_at IS NULL'
  if ('unfollowed' in f) return 'c.unfollowed_at IS NOT NULL'
  if ('provider' in f) {
    p.push(f.provider)
    return `EXISTS (SELECT 1 FROM json_each(c.identities) WHERE json_extract(value, '$.provider') = ?)`
  }
  if ('consent' in f) {
    p.push(f.consent.channel, f.consent.topic)
    return `EXISTS (SELECT 1 FROM json_each(c.consents) WHERE json_extract(value, '$.channel') = ?
      AND json_extract(value, '$.topic') = ? AND json_extract(value, '$.revokedAt') IS NULL
      AND coalesce(json_extract(value, '$.remaining') > 0, 1))`
  }
  if ('lastOrderWithinDays' in f) {
    p.push(since(now, f.lastOrderWithinDays))
    return 'EXISTS (SELECT 1 FROM customer_stats s WHERE s.customer_id = c.id AND s.last_paid_at >= ?)'
  }
  if ('orders' in f)
    return range(
      '(SELECT coalesce(sum(s.orders), 0) FROM customer_stats s WHERE s.customer_id = c.id)',
      f.orders,
      p,
    )
  if ('spent' in f) {
    p.push(f.spent.currency)
    return range(
      'coalesce((SELECT s.spent FROM customer_stats s WHERE s.customer_id = c.id AND s.currency = ?), 0)',
      f.spent,
      p,
    )
  }
  if ('referrals' in f)
    return range('(SELECT count(*) FROM customers r WHERE r.referred_by = c.id)', f.referrals, p)
  if ('rewards' in f) {
    p.push(f.rewards.currency)
    return range(
      `(SELECT coalesce(sum(w.amount - w.clawed_back), 0) FROM rewards w
        WHERE w.sharer_id = c.id AND w.currency = ? AND w.status IN ('held', 'released'))`,
      f.rewards,
      p,
    )
  }
  if ('interactedWithinDays' in f) {
    p.push(since(now, f.interactedWithinDays))
    return '(c.last_interaction_at IS NOT NULL AND c.last_interaction_at >= ?)'
  }
  if ('createdAfter' in f) {
    p.push(f.createdAfter)
    return 'c.created_at > ?'
  }
  if ('createdBefore' in f) {
    p.push(f.createdBefore)
    return 'c.created_at < ?'
  }
  const never: never = f
  throw new Error(`[loopkit] [storage-sqlite] Unknown audience filter ${JSON.stringify(never)}.`)
}
