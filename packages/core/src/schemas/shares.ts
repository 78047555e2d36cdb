import * as z from 'zod/mini'
import { pageLimit, position, recordId, shareToken } from './common.js'

/** `loop.shares.card()`. */
export const shareCardInput = z.strictObject({ token: shareToken })

/** `loop.shares.visit()`: `visitorKey` is the browser's own key (the visitor cookie). */
export const shareVisitInput = z.strictObject({
  token: shareToken,
  visitorKey: z.string().check(z.minLength(1), z.maxLength(64)),
  customerId: z.optional(z.nullable(recordId)),
})

/** `loop.shares.list()`. */
export const shareListInput = z.strictObject({ customerId: z.optional(recordId), limit: pageLimit })

/** `loop.rewards.list()`. */
export const rewardListInput = z.strictObject({
  sharerId: z.optional(recordId),
  orderId: z.optional(recordId),
  status: z.optional(z.enum(['held', 'released', 'clawed_back'])),
  limit: pageLimit,
})

/** `loop.analytics.funnel()` (`since`: a clock reading) and `loop.recover()` (`since`: an event seq). */
export const sinceInput = z.strictObject({ since: position })

/** `loop.analytics.events()`. */
export const eventListInput = z.strictObject({
  after: position,
  types: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.maxLength(100))),
  customerId: z.optional(recordId),
  orderId: z.optional(recordId),
  limit: pageLimit,
})
