import * as z from 'zod/mini'
import * as zc from 'zod/v4/core'
import { loopError, requiredOptionError } from '../errors.js'
import { issueMessage } from '../schemas/messages.js'
import { describeOptionValue } from '../security/option-value.js'

// zod/mini, like every core schema (core's bundle budget). The options of createLoop, checked once
// at start-up so a typo fails there and not at the first order. Only the shape is checked here;
// what needs the resolved values (a baseUrl's protocol, origins, rate-limit stores) stays in the
// runtime. Unknown keys are allowed: options other engineers add must not be refused by this list.

const positiveInt = z.optional(
  z.int().check(z.minimum(1, 'must be a positive number (a whole number)'), z.maximum(2_147_483_647)),
)
const fn = z.optional(
  z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function'),
)
/** An adapter: a plain object with its id and the methods the loop calls. */
const adapter = (methods: string[]) =>
  z.custom<object>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      typeof (v as { id?: unknown }).id === 'string' &&
      (v as { id: string }).id.length > 0 &&
      methods.every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
    `must be an adapter object with an \`id\` and the methods ${methods.join(', ')}`,
  )
/** A plain object whose every value passes `check` (z.record and z.intersection cost core 1.3 KB). */
const mapOf = (check: (value: unknown) => boolean, message: string) =>
  z.optional(
    z.custom<object>(
      (v) =>
        typeof v === 'object' && v !== null && Object.values(v).every((x) => x === undefined || check(x)),
      message,
    ),
  )
const isHttpUrl = (v: string) => {
  try {
    return /^https?:$/.test(new URL(v).protocol)
  } catch {
    return false
  }
}

export const loopOptionsSchema = z.object({
  secret: z.string().check(z.minLength(32, 'must be at least 32 characters')),
  baseUrl: z.string().check(z.refine(isHttpUrl, 'is not a URL (http or https)')),
  storage: z.custom<object>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      ['getCustomer', 'upsertCustomer', 'createOrder', 'getOrder', 'appendEvents', 'listEvents'].every(
        (m) => typeof (v as Record<string, unknown>)[m] === 'function',
      ),
    'must be a storage adapter (memoryStorage(), sqliteStorage(), …)',
  ),
  payments: z.optional(z.array(adapter(['createPayment', 'queryPayment', 'refund', 'parseWebhook']))),
  identity: z.optional(z.array(adapter(['authorizeUrl', 'exchangeCode']))),
  // Their `limits` are checked by the runtime, which reads them.
  messaging: z.optional(z.array(adapter(['canReach', 'send']))),
  plugins: z.optional(z.array(adapter([]))),
  now: fn,
  orders: z.optional(z.object({ ttlMs: positiveInt, maxQuantity: positiveInt })),
  refunds: z.optional(z.object({ providerTimeoutMs: positiveInt, retryAfterMs: positiveInt })),
  attribution: z.optional(z.object({ windowMs: positiveInt })),
  session: z.optional(
    z.object({ maxAgeMs: positiveInt, secureCookies: z.optional(z.boolean()), resolve: fn }),
  ),
  notifications: z.optional(
    z.object({
      templates: mapOf((t) => typeof t === 'function', 'must map topics to functions'),
      maxAttempts: positiveInt,
      backoff: z.optional(
        z.object({ baseMs: z.nonoptional(positiveInt), maxMs: z.nonoptional(positiveInt) }).check(
          z.refine((b) => b.baseMs <= b.maxMs, {
            message: 'baseMs must not exceed maxMs',
            path: ['maxMs'],
          }),
        ),
      ),
      batchSize: positiveInt,
      leaseMs: positiveInt,
      concurrency: positiveInt,
      // Each channel's limits are checked by the runtime, which reads them.
      channels: mapOf((l) => typeof l === 'object' && l !== null, 'must map channel ids to limits'),
    }),
  ),
  background: z.optional(
    z.object({
      dispatchIntervalMs: positiveInt,
      expiryIntervalMs: positiveInt,
      refundIntervalMs: positiveInt,
      tickIntervalMs: positiveInt,
      campaignIntervalMs: positiveInt,
      adapterTimeoutMs: positiveInt,
      stopTimeoutMs: positiveInt,
    }),
  ),
  shares: z.optional(z.object({ target: fn })),
  cors: z.optional(z.object({ origins: z.array(z.string()) })),
  pages: z.optional(z.object({ layout: fn })),
  allowedRedirectOrigins: z.optional(z.array(z.string())),
  rateLimits: z.optional(z.union([z.literal(false), z.object({})])),
  trustProxy: z.optional(z.union([z.boolean(), z.int().check(z.minimum(0), z.maximum(32))])),
  clientIp: fn,
  onError: fn,
})

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let v = root
  for (const key of path)
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined
  return v
}

/**
 * Checks createLoop's options: a bad one is a `configuration` error naming the option and what is
 * wrong, showing its value only through `describeOptionValue` — and `secret` never at all.
 */
export function checkLoopOptions(options: unknown): void {
  if (!options || typeof options !== 'object') throw requiredOptionError('loop', 'secret')
  const o = options as { secret?: unknown; baseUrl?: unknown }
  // The historic messages for the two required options, which hosts' docs quote.
  if (typeof o.secret !== 'string' || o.secret.length === 0) throw requiredOptionError('loop', 'secret')
  if (typeof o.baseUrl !== 'string' || o.baseUrl.length === 0) throw requiredOptionError('loop', 'baseUrl')
  // No storage default: a loop that silently kept orders in memory would lose them at the next restart.
  if ((options as { storage?: unknown }).storage === undefined) {
    throw loopError(
      'loop',
      'configuration',
      "Missing required option `storage`: pass sqliteStorage() from '@loopkit/storage-sqlite' or postgresStorage() from '@loopkit/storage-postgres'; in development, spread devDefaults() from '@loopkit/core/dev' (memory storage and the sandbox).",
    )
  }
  const result = zc.safeParse(loopOptionsSchema, options, { error: issueMessage })
  if (result.success) return
  const issues = result.error.issues.map((i) => ({
    path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
    message: i.message,
    code: i.code,
  }))
  const first = issues[0]!
  const name = first.path.join('.')
  const value = valueAt(options, first.path)
  const shown =
    first.path[0] === 'secret' || typeof value === 'function' || (typeof value === 'object' && value !== null)
      ? ''
      : `, got ${typeof value === 'number' ? value : describeOptionValue(value)}`
  throw loopError('loop', 'configuration', `Option \`${name}\`: ${first.message}${shown}.`, { issues })
}
