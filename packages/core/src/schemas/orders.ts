import * as z from 'zod/mini'
import { adapterId, durationMs, pageLimit, recordId } from './common.js'

/** An order by id: `loop.orders.fulfil()`, `cancel()`, `reconcile()`, `refunds.list()`. */
export const orderRef = z.strictObject({ orderId: recordId })

/** A provider-safe order number (`loop.orders.getByNumber()`). */
export const orderNumber = z.string().check(z.minLength(1), z.maxLength(64))

/** `loop.orders.list()`. */
export const orderListInput = z.strictObject({
  customerId: z.optional(recordId),
  status: z.optional(
    z.enum(['pending', 'paid', 'fulfilled', 'expired', 'cancelled', 'refunded', 'partially_refunded']),
  ),
  limit: pageLimit,
})

/** `loop.orders.expireDue()`, `loop.refunds.reconcile()`: a pass over at most `limit` rows. */
export const passInput = z.strictObject({ limit: pageLimit })

/** `loop.webhooks.handle()`: the provider's id and the request exactly as it arrived. */
export const webhookInput = z.strictObject({
  provider: adapterId,
  request: z.instanceof(Request, { error: 'must be a Request' }),
})

/** `loop.notify.dispatch()`. */
export const dispatchInput = z.strictObject({
  limit: pageLimit,
  leaseMs: z.optional(durationMs),
  signal: z.optional(z.instanceof(AbortSignal, { error: 'must be an AbortSignal' })),
})

/** `loop.notify.list()`. */
export const notificationListInput = z.strictObject({
  customerId: z.optional(recordId),
  status: z.optional(z.enum(['pending', 'sent', 'dead', 'skipped'])),
  limit: pageLimit,
})

/** `loop.start()`. */
export const startInput = z.strictObject({ intervalMs: z.optional(durationMs) })
