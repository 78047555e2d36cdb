import type { NewEvent } from '../domain/event.js'
import type { NewNotification } from '../domain/notification.js'

/**
 * What a state change writes in the same transaction as the change itself: the event-log entries
 * and the outbox rows. Outbox rows whose `dedupeKey` already exists are skipped, not duplicated.
 */
export interface Effects {
  events?: NewEvent[]
  outbox?: NewNotification[]
}

/** Units of one SKU an order holds. */
export interface StockReservation {
  skuId: string
  quantity: number
}

/** A webhook delivery, recorded exactly once per `(provider, eventId)`. */
export interface WebhookDelivery {
  provider: string
  eventId: string
  receivedAt: number
}
