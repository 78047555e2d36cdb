import * as z from 'zod'
import { loopError } from './errors.js'

const id = z.string().min(1).max(128)

/** `POST /checkout` and `loop.checkout()`. */
export const checkoutInput = z
  .object({
    customerId: id,
    lines: z
      .array(z.object({ skuId: id, quantity: z.number().int().min(1).max(100_000) }).strict())
      .min(1)
      .max(50),
    provider: z.string().min(1).max(32).optional(),
    method: z.string().min(1).max(32).optional(),
    idempotencyKey: z
      .string()
      .min(8)
      .max(128)
      .regex(/^[\x21-\x7e]+$/)
      .optional(),
    returnUrl: z.string().max(2048).optional(),
    clientIp: z.string().max(64).optional(),
    visitorKey: z.string().max(64).optional(),
  })
  .strict()
export type CheckoutInput = z.infer<typeof checkoutInput>

/** The body of `POST /checkout` (the customer comes from the session). */
export const checkoutBody = checkoutInput.omit({ customerId: true, clientIp: true, visitorKey: true })

/** `POST /shares` and `loop.shares.create()`. */
export const shareInput = z
  .object({
    customerId: id,
    skuId: id.nullable().optional(),
    channel: z
      .string()
      .min(1)
      .max(32)
      .regex(/^[a-z0-9_.-]+$/)
      .nullable()
      .optional(),
  })
  .strict()
export const shareBody = shareInput.omit({ customerId: true })

/** `POST /events`: what the widget reports. */
export const clientEventBody = z
  .object({
    type: z.literal('share.action'),
    shareId: z.string().min(1).max(64),
    channel: z
      .string()
      .min(1)
      .max(32)
      .regex(/^[a-z0-9_.-]+$/),
  })
  .strict()

/** `loop.refunds.create()`. */
export const refundInput = z
  .object({
    orderId: id,
    /** Minor units; default: everything not yet refunded. */
    amount: z.number().int().positive().optional(),
    reason: z.string().max(80).optional(),
    /** Makes the call idempotent; default: a new refund each call. */
    idempotencyKey: z
      .string()
      .min(8)
      .max(64)
      .regex(/^[0-9A-Za-z_\-|*@]+$/)
      .optional(),
  })
  .strict()

/** `POST /login/:provider/code`: a mini-program's `wx.login` code. */
export const codeLoginBody = z
  .object({
    code: z.string().min(1).max(512),
    share: z.string().max(64).optional(),
  })
  .strict()

/** A relative path on the host app (no scheme, no `//host`): where a login returns to. */
export const returnToPath = z
  .string()
  .max(1024)
  .regex(/^\/(?![/\\])[^\s]*$/, 'must be a path on this site starting with "/"')

/**
 * Parses input with a zod schema; failure is a `LoopError('invalid_input')` carrying zod's issues.
 *
 * @example
 * ```ts
 * const body = parseInput(checkoutBody, await request.json(), 'checkout')
 * ```
 */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, scope: string): z.infer<T> {
  const result = schema.safeParse(value)
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
