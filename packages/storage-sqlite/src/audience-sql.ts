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
 * How a filter is evaluated. `page` (keyset listing) tests one customer at a time with correlated
 * lookups on per-customer keys, so a page costs the same however large the pool; `count` uses
 * set-based `IN (SELECT …)` for the aggregate nodes, so a whole-pool count reads each aggregate
 * table once instead of probing it per customer.
 */
export type FilterMode = 'page' | 'count'

/** Whether a customer with nothing (a figure of 0) is inside the range. */
const holdsZero = (r: Range) => (r.min === undefined || r.min <= 0) && (r.max === undefined || r.max >= 0)

/**
 * A set-based aggregate node: customers whose `figure` (grouped by `key` in `from`) is in the range.
 * When 0 is in the range, customers absent from `from` match too, so it is written as "not among
 * those outside the range".
 */
function inSet(x: {
  key: string
  from: string
  figure: string
  r: Range
  params: unknown[]
  p: unknown[]
  perRow?: boolean
}): string {
  if (x.r.min === undefined && x.r.max === undefined) return '1'
  const cond: unknown[] = []
  const inRange = range(x.figure, x.r, cond)
  const zero = holdsZero(x.r)
  const test = zero ? `NOT (${inRange})` : inRange
  x.p.push(...x.params, ...cond)
  // `perRow`: `from` has one row per customer already (no grouping needed).
  const set = x.perRow
    ? `SELECT ${x.key} FROM ${x.from} AND ${test}`
    : `SELECT ${x.key} FROM ${x.from} GROUP BY ${x.key} HAVING ${test}`
  return zero ? `c.id NOT IN (${set})` : `c.id IN (${set})`
}

/**
 * Compiles an audience filter to a parameterised SQLite condition on `customers c`. Every leaf is
 * true or false, never NULL, so `not` negates exactly as the memory adapter does. Tags, identities
 * and consents are read from the row's JSON, order count and recency from its columns, spend from
 * `customer_stats`; referrals and rewards through their indexes (`customers_referred_by`, the rewards `(sharer_id, order_id)` key).
 *
 * @example
 * ```ts
 * compileFilter({ all: [{ tag: 'vip' }, { followed: true }] }, Date.now())
 * // { sql: "(EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = ?) AND c.followed_at IS NOT NULL)", params: ['vip'] }
 * ```
 */
export function compileFilter(f: AudienceFilter, now: number, mode: FilterMode = 'page'): CompiledFilter {
  const params: unknown[] = []
  const sql = mode === 'count' ? setNode(f, now, params) : node(f, now, params)
  return { sql, params }
}

/** `count` mode: aggregate nodes as sets, everything else as in `page` mode. */
function setNode(f: AudienceFilter, now: number, p: unknown[]): string {
  if ('all' in f) return f.all.length === 0 ? '1' : `(${f.all.map((x) => setNode(x, now, p)).join(' AND ')})`
  if ('any' in f) return f.any.length === 0 ? '0' : `(${f.any.map((x) => setNode(x, now, p)).join(' OR ')})`
  if ('not' in f) return `NOT ${setNode(f.not, now, p)}`
  if ('spent' in f) {
    const from = 'customer_stats WHERE currency = ?'
    return inSet({
      key: 'customer_id',
      from,
      figure: 'spent',
      r: f.spent,
      params: [f.spent.currency],
      p,
      perRow: true,
    })
  }
  if ('referrals' in f) {
    const from = 'customers WHERE referred_by IS NOT NULL'
    return inSet({ key: 'referred_by', from, figure: 'count(*)', r: f.referrals, params: [], p })
  }
  if ('rewards' in f) {
    const from = `rewards WHERE currency = ? AND status IN ('held', 'released')`
    const figure = 'sum(amount - clawed_back)'
    return inSet({ key: 'sharer_id', from, figure, r: f.rewards, params: [f.rewards.currency], p })
  }
  return node(f, now, p)
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
  // Counted orders and the last payment across currencies are columns of the row itself.
  if ('lastOrderWithinDays' in f) {
    p.push(since(now, f.lastOrderWithinDays))
    return '(c.last_order_at IS NOT NULL AND c.last_order_at >= ?)'
  }
  if ('orders' in f) return range('c.order_count', f.orders, p)
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
  if ('followedWithinDays' in f) {
    p.push(since(now, f.followedWithinDays))
    return '(c.followed_at IS NOT NULL AND c.followed_at >= ?)'
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
