import type { RateLimitStore } from '../../contracts/rate-limit.js'
import type { StorageAdapter } from '../../contracts/storage.js'
import { loopError } from '../../errors.js'
import { memoryRateLimitStore } from './memory-store.js'

/** A token bucket: `capacity` requests at once, then `refillPerSecond` on average. */
export interface RateLimitRule {
  capacity: number
  refillPerSecond: number
}

/** The routes the loop limits. */
export type RateLimitedRoute = 'login' | 'checkout' | 'events' | 'shares' | 'links'

/**
 * Option `rateLimits` of `createLoop`: per-route token buckets, keyed by the customer, else the
 * visitor cookie, else the client address. `false` turns them all off (e.g. your proxy limits).
 *
 * @example
 * ```ts
 * createLoop({ secret, baseUrl, storage, rateLimits: { store: 'storage', checkout: { capacity: 5, refillPerSecond: 0.1 }, events: false } })
 * ```
 */
export interface RateLimitOptions {
  /**
   * Where buckets live: `'memory'` (default; this process only), `'storage'` (the storage adapter's
   * `takeTokens`: shared by every instance on the same database), or your own store.
   */
  store?: 'memory' | 'storage' | RateLimitStore
  /** `GET /login/:provider` (each start writes a login state). Default 10, then 1 per 6 s. */
  login?: RateLimitRule | false
  /** `POST /checkout`. Default 10, then 1 per 6 s. */
  checkout?: RateLimitRule | false
  /** `POST /events`. Default 30, then 1 per 2 s. */
  events?: RateLimitRule | false
  /** `POST /shares`. Default 30, then 1 per 10 s. */
  shares?: RateLimitRule | false
  /**
   * `GET /s/:token` and `GET /c/:token` (each open of a share or campaign link writes a visit), one
   * bucket for both. Default 20, then 1 per 3 s. Over the limit a link still redirects; it only
   * stops recording visits.
   */
  links?: RateLimitRule | false
}

export const defaultRateLimits: Record<RateLimitedRoute, RateLimitRule> = {
  login: { capacity: 10, refillPerSecond: 1 / 6 },
  checkout: { capacity: 10, refillPerSecond: 1 / 6 },
  events: { capacity: 30, refillPerSecond: 1 / 2 },
  shares: { capacity: 30, refillPerSecond: 1 / 10 },
  links: { capacity: 20, refillPerSecond: 1 / 3 },
}

/** The resolved limits of a loop: a store and the rule of each limited route (null: unlimited). */
export interface RateLimits {
  store: RateLimitStore
  rules: Record<RateLimitedRoute, RateLimitRule | null>
}

function checkRule(route: string, rule: RateLimitRule): RateLimitRule {
  const ok =
    rule &&
    Number.isFinite(rule.capacity) &&
    rule.capacity >= 1 &&
    Number.isFinite(rule.refillPerSecond) &&
    rule.refillPerSecond > 0
  if (!ok) {
    throw loopError(
      'loop',
      'configuration',
      `Option \`rateLimits.${route}\` needs \`capacity\` ≥ 1 and \`refillPerSecond\` > 0.`,
    )
  }
  return rule
}

/** Resolves option `rateLimits`; `null` when every limit is off. */
export function resolveRateLimits(
  options: RateLimitOptions | false | undefined,
  storage: StorageAdapter,
): RateLimits | null {
  if (options === false) return null
  const o = options ?? {}
  const rules = {} as Record<RateLimitedRoute, RateLimitRule | null>
  for (const route of Object.keys(defaultRateLimits) as RateLimitedRoute[]) {
    const rule = o[route]
    rules[route] = rule === false ? null : checkRule(route, rule ?? defaultRateLimits[route])
  }
  if (Object.values(rules).every((r) => r === null)) return null
  let store: RateLimitStore
  if (o.store === 'storage') {
    const take = storage.takeTokens
    if (!take) {
      throw loopError(
        'loop',
        'configuration',
        `Option \`rateLimits.store\` is \`storage\`, but storage \`${storage.name}\` has no \`takeTokens\`.`,
      )
    }
    store = { take: (input) => take.call(storage, input) }
  } else if (o.store === undefined || o.store === 'memory') {
    store = memoryRateLimitStore()
  } else {
    store = o.store
  }
  return { store, rules }
}
