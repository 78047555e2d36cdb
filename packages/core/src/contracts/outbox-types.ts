import type { NewEvent } from '../domain/event.js'
import type { NewNotification } from '../domain/notification.js'

/**
 * How a leased outbox row ends: `sent`; `retry` (pending again at `nextAttemptAt`); `dead` (the
 * dead letter); or `release` — not attempted after all (the channel's rate limit, a stopping
 * dispatcher): pending again at `nextAttemptAt` with the claim's attempt given back.
 */
export type NotificationOutcome =
  | { status: 'sent'; providerMessageId: string | null; decision?: string }
  | { status: 'retry'; error: string; nextAttemptAt: number; decision?: string }
  | { status: 'dead'; error: string; decision?: string }
  | { status: 'release'; nextAttemptAt: number; decision?: string }
  | { status: 'skipped'; decision: string }

/**
 * One row of `completeNotifications`: its outcome, and the events and outbox rows (a fallback
 * channel's row) written with it, only if it changes.
 */
export interface NotificationCompletion {
  id: string
  outcome: NotificationOutcome
  events?: NewEvent[]
  outbox?: NewNotification[]
}

/** One frequency cap: at most `max` sends of a class to one customer in any `windowMs`. */
export interface SendCap {
  max: number
  windowMs: number
}

/** The input of `StorageAdapter.reserveSend`. */
export interface ReserveSendInput {
  /** The logical message (the same on every attempt and every fallback channel of it). */
  key: string
  customerId: string
  /** The policy class the caps count (`marketing`). */
  class: string
  caps: readonly SendCap[]
  now: number
}
