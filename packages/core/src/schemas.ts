import * as z from 'zod/mini'
import * as zc from 'zod/v4/core'
import { loopError } from './errors.js'
import { issueMessage } from './schemas/messages.js'

// zod/mini: the same validators as classic zod at a third of the bundle (core's budget is 50 KB
// min+gzip with its dependencies; classic zod alone was 26 KB of it). Keep new schemas in this API.
const id = z.string().check(z.minLength(1), z.maxLength(128))
const optionalText = (max: number) => z.optional(z.string().check(z.maxLength(max)))
const channelName = z.string().check(z.minLength(1), z.maxLength(32), z.regex(/^[a-z0-9_.-]+$/))

/** `POST /checkout` and `loop.checkout()`. */
export const checkoutInput = z.strictObject({
  customerId: id,
  lines: z
    .array(z.strictObject({ skuId: id, quantity: z.int().check(z.minimum(1), z.maximum(100_000)) }))
    .check(z.minLength(1), z.maxLength(50)),
  provider: z.optional(z.string().check(z.minLength(1), z.maxLength(32))),
  method: z.optional(z.string().check(z.minLength(1), z.maxLength(32))),
  idempotencyKey: z.optional(z.string().check(z.minLength(8), z.maxLength(128), z.regex(/^[\x21-\x7e]+$/))),
  returnUrl: optionalText(2048),
  clientIp: optionalText(64),
  visitorKey: optionalText(64),
})
export type CheckoutInput = z.infer<typeof checkoutInput>

/** The body of `POST /checkout` (the customer comes from the session). */
export const checkoutBody = z.omit(checkoutInput, { customerId: true, clientIp: true, visitorKey: true })

/** `POST /shares` and `loop.shares.create()`. */
export const shareInput = z.strictObject({
  customerId: id,
  skuId: z.optional(z.nullable(id)),
  channel: z.optional(z.nullable(channelName)),
})
export const shareBody = z.omit(shareInput, { customerId: true })

/**
 * `POST /events`: what the widget reports. `token` is the share's signed token (what the share card
 * holds); the bare `shareId` is accepted only from a logged-in customer.
 */
export const clientEventBody = z.strictObject({
  type: z.literal('share.action'),
  token: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  shareId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  channel: channelName,
})

/** `loop.refunds.create()`. */
export const refundInput = z.strictObject({
  orderId: id,
  /** Minor units; default: everything not yet refunded. */
  amount: z.optional(z.int().check(z.positive())),
  reason: optionalText(80),
  /** Makes the call idempotent; default: a new refund each call. */
  idempotencyKey: z.optional(
    z.string().check(z.minLength(8), z.maxLength(64), z.regex(/^[0-9A-Za-z_\-|*@]+$/)),
  ),
})

/** `POST /login/:provider/code`: a mini-program's `wx.login` code. */
export const codeLoginBody = z.strictObject({
  code: z.string().check(z.minLength(1), z.maxLength(512)),
  share: optionalText(64),
})

/** A relative path on the host app (no scheme, no `//host`): where a login returns to. */
export const returnToPath = z
  .string()
  .check(z.maxLength(1024), z.regex(/^\/(?![/\\])[^\s]*$/, 'must be a path on this site starting with "/"'))

/**
 * Parses input with a zod schema (classic or mini); failure is a `LoopError('invalid_input')`
 * carrying zod's issues, with zod's English messages (set per call, not in zod's global config).
 *
 * @example
 * ```ts
 * const body = parseInput(checkoutBody, await request.json(), 'checkout')
 * ```
 */
export function parseInput<T extends zc.$ZodType>(schema: T, value: unknown, scope: string): zc.output<T> {
  const result = zc.safeParse(schema, value, { error: issueMessage })
  if (result.success) return result.data
  const issues = result.error.issues.map((i) => ({
    path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
    message: i.message,
    code: i.code,
  }))
  const first = issues[0]
  throw loopError(
    scope,
    'invalid_input',
    `Invalid input${first ? ` at \`${first.path.join('.') || '(root)'}\`: ${first.message}` : ''}.`,
    { issues },
  )
}
