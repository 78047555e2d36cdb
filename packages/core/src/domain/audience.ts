import * as z from 'zod/mini'

/** An inclusive range; a bound left out is open. */
export interface Range {
  min?: number
  max?: number
}

/**
 * A segment of the customer pool as a small, serialisable JSON tree. Every node has exactly one
 * key. Storage adapters evaluate it in their own query language (SQL for the SQL adapters), never
 * by loading the pool; the memory adapter is the reference every adapter must agree with.
 *
 * - `all` / `any` / `not`: combine (`{ all: [] }` is everyone, `{ any: [] }` no one).
 * - `tag`: has the tag. `provider`: has an identity with that provider (`wechat`, `sandbox`, …).
 * - `followed`: `true` follows the official account now (`followedAt` set); `false` does not.
 *   `unfollowed: true`: unfollowed and has not followed again (`unfollowedAt` set).
 * - `consent`: holds a live consent for the channel and topic (not revoked, and `remaining` is
 *   `null` or above 0).
 * - RFM, over **counted orders** — orders in `paid`, `fulfilled` or `partially_refunded` (a fully
 *   refunded order no longer counts): `orders` is their number; `spent` the sum of their totals
 *   net of succeeded refunds, in one currency; `lastOrderWithinDays` the customer paid for an
 *   order (any order ever paid, even if refunded later) at or after `now − days`.
 * - `referrals`: the number of customers whose `referredBy` is this customer.
 * - `rewards`: the sum of the customer's held and released rewards in one currency, net of
 *   clawbacks (`amount − clawedBack`).
 * - `interactedWithinDays`: `lastInteractionAt` at or after `now − days`.
 * - `followedWithinDays`: follows now, and (re)followed at or after `now − days` (`followedAt`).
 * - `createdAfter` / `createdBefore`: `createdAt` strictly after / before the instant (ms).
 *
 * Ranges (`orders`, `spent`, `referrals`, `rewards`) are inclusive; a customer with nothing
 * counts as 0, so `{ orders: { max: 0 } }` is everyone who never bought.
 *
 * @example
 * ```ts
 * const lapsedVip: AudienceFilter = {
 *   all: [{ tag: 'vip' }, { followed: true }, { not: { lastOrderWithinDays: 90 } }],
 * }
 * ```
 */
export type AudienceFilter =
  | { all: AudienceFilter[] }
  | { any: AudienceFilter[] }
  | { not: AudienceFilter }
  | { tag: string }
  | { followed: boolean }
  | { unfollowed: true }
  | { provider: string }
  | { consent: { channel: string; topic: string } }
  | { lastOrderWithinDays: number }
  | { orders: Range }
  | { spent: Range & { currency: string } }
  | { referrals: Range }
  | { rewards: Range & { currency: string } }
  | { interactedWithinDays: number }
  | { followedWithinDays: number }
  | { createdAfter: number }
  | { createdBefore: number }

/** A saved segment: an id, an optional name, and its filter. */
export interface Audience {
  id: string
  name: string | null
  where: AudienceFilter
  createdAt: number
  updatedAt: number
}

/** A filter's nesting and size are bounded, so a stored audience compiles to a reasonable query. */
export const audienceLimits = { depth: 8, nodes: 64 } as const

// zod/mini, like every core schema (core's bundle budget).
const text = z.string().check(z.minLength(1), z.maxLength(128))
const count = z.int().check(z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER))
const days = z.number().check(z.positive(), z.maximum(36_500))
const instant = z.int().check(z.minimum(0), z.maximum(8.64e15))
const currency = z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY'))
const range = { min: z.optional(count), max: z.optional(count) }
const list = () => z.array(node).check(z.maxLength(audienceLimits.nodes))

const node: z.ZodMiniType<AudienceFilter> = z.lazy(
  () =>
    z.union([
      z.strictObject({ all: list() }),
      z.strictObject({ any: list() }),
      z.strictObject({ not: node }),
      z.strictObject({ tag: text }),
      z.strictObject({ followed: z.boolean() }),
      z.strictObject({ unfollowed: z.literal(true) }),
      z.strictObject({ provider: text }),
      z.strictObject({ consent: z.strictObject({ channel: text, topic: text }) }),
      z.strictObject({ lastOrderWithinDays: days }),
      z.strictObject({ orders: z.strictObject(range) }),
      z.strictObject({ spent: z.strictObject({ ...range, currency }) }),
      z.strictObject({ referrals: z.strictObject(range) }),
      z.strictObject({ rewards: z.strictObject({ ...range, currency }) }),
      z.strictObject({ interactedWithinDays: days }),
      z.strictObject({ followedWithinDays: days }),
      z.strictObject({ createdAfter: instant }),
      z.strictObject({ createdBefore: instant }),
    ]) as unknown as z.ZodMiniType<AudienceFilter>,
)

/** Depth and node count of a filter tree. */
function measure(f: AudienceFilter, depth = 1): { depth: number; nodes: number } {
  const children = 'all' in f ? f.all : 'any' in f ? f.any : 'not' in f ? [f.not] : []
  let out = { depth, nodes: 1 }
  for (const c of children) {
    const m = measure(c, depth + 1)
    out = { depth: Math.max(out.depth, m.depth), nodes: out.nodes + m.nodes }
  }
  return out
}

/**
 * The zod schema of {@link AudienceFilter}: one key per node, strict objects, at most
 * {@link audienceLimits} deep and large.
 *
 * @example
 * ```ts
 * audienceFilterSchema.parse({ any: [{ tag: 'vip' }, { orders: { min: 3 } }] })
 * ```
 */
export const audienceFilterSchema: z.ZodMiniType<AudienceFilter> = node.check(
  z.superRefine((f, ctx) => {
    const m = measure(f)
    if (m.depth > audienceLimits.depth)
      ctx.addIssue({ code: 'custom', message: `nests deeper than ${audienceLimits.depth}`, input: f })
    if (m.nodes > audienceLimits.nodes)
      ctx.addIssue({ code: 'custom', message: `has more than ${audienceLimits.nodes} nodes`, input: f })
  }),
)

/** One day in milliseconds: "within days" filters compare against `now − days × DAY_MS`. */
export const DAY_MS = 86_400_000

/**
 * Whether a filter needs the query's `now` (it has a "within days" node).
 *
 * @example
 * ```ts
 * usesNow({ all: [{ tag: 'vip' }, { interactedWithinDays: 2 }] }) // true
 * ```
 */
export function usesNow(f: AudienceFilter): boolean {
  if ('all' in f) return f.all.some(usesNow)
  if ('any' in f) return f.any.some(usesNow)
  if ('not' in f) return usesNow(f.not)
  return 'lastOrderWithinDays' in f || 'interactedWithinDays' in f || 'followedWithinDays' in f
}

/**
 * Whether `value` is inside the inclusive range (a bound left out is open).
 *
 * @example
 * ```ts
 * inRange(3, { min: 3 }) // true
 * inRange(0, { min: 1, max: 5 }) // false
 * ```
 */
export function inRange(value: number, r: Range): boolean {
  return (r.min === undefined || value >= r.min) && (r.max === undefined || value <= r.max)
}
