import * as z from 'zod/mini'
import { adapterId, channelName, recordId, shareToken } from './common.js'

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max))
// Tags are shown to operators and matched exactly: no control characters, no surrounding space.
const tag = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(64),
    z.regex(/^(?!\s)[^\p{Cc}]*(?<!\s)$/u, 'must be text without control characters or surrounding spaces'),
  )
const tags = z.array(tag).check(z.maxLength(100))

/** A verified profile the host app logs in with (`loop.customers.login()`); unknown keys are typos. */
export const identityProfile = z.strictObject({
  provider: adapterId,
  subject: text(256),
  unionId: z.optional(text(256)),
  displayName: z.optional(z.string().check(z.maxLength(256))),
  avatarUrl: z.optional(z.string().check(z.maxLength(2048))),
  snapshot: z.optional(z.boolean()),
})

/** `loop.customers.login()`. */
export const customerLoginInput = z.strictObject({
  profile: identityProfile,
  shareToken: z.optional(z.nullable(shareToken)),
})

/** `loop.customers.tag()`: tags to add and to remove, each a list (a string would be its letters). */
export const customerTagInput = z.strictObject({
  id: recordId,
  add: z.optional(tags),
  remove: z.optional(tags),
})

/** `loop.customers.grantConsent()`: `count` sends, or null for uncounted. */
export const consentGrantInput = z.strictObject({
  customerId: recordId,
  channel: channelName,
  topic: text(64),
  count: z.nullable(z.int().check(z.minimum(1), z.maximum(1_000_000))),
})

/** `loop.login.begin()`. `returnTo` is checked as a path by the login flow. */
export const loginBeginInput = z.strictObject({
  provider: adapterId,
  returnTo: z.optional(z.string()),
  shareToken: z.optional(z.nullable(shareToken)),
})
