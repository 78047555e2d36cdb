/** A message rendered for one recipient, independent of the channel's wire format. */
export interface RenderedMessage {
  /** The reason for the message (`order.paid`); channels map it to their template. */
  topic: string
  title: string
  body: string
  url?: string
  /** Named values for templated channels (WeChat keywords). */
  fields: Record<string, string>
  /**
   * The fallback chain this message follows (a campaign's channel plan), overriding the policy's
   * chain for its topic.
   */
  chain?: string[]
}

/**
 * An outbox row's state: waiting (or between retries or deferred), delivered, dead-lettered, or
 * skipped by the notification policy (a frequency cap, an unfollowed customer) — never sent.
 */
export type NotificationStatus = 'pending' | 'sent' | 'dead' | 'skipped'

/** An outbox row: written with the change that caused it, delivered later by the dispatcher. */
export interface Notification {
  id: string
  /**
   * Unique: a second row with the same key is never written, so a replayed change queues nothing.
   * Delivery is **at-least-once**, not exactly-once: if the process dies after the channel accepted
   * the message but before the outbox recorded it, the row is sent again after its lease runs out.
   * Every attempt carries this key, so a channel with `dedupes: true` drops the repeat.
   */
  dedupeKey: string
  channel: string
  customerId: string
  message: RenderedMessage
  status: NotificationStatus
  attempts: number
  nextAttemptAt: number
  /** Set while a dispatcher holds the row. */
  leaseUntil: number | null
  leaseToken: string | null
  lastError: string | null
  providerMessageId: string | null
  /**
   * The notification policy's last decision on this row, so an admin can show why a message did
   * or did not go: `skipped: frequency_cap`, `deferred: quiet_hours`, `fell_back: recipient_refused`
   * (this channel could not reach the customer; the next channel of the topic's chain got a row).
   * Null when the policy had nothing to say.
   */
  decision: string | null
  createdAt: number
  updatedAt: number
}

/** The outbox row a change writes; the storage fills in the rest. */
export type NewNotification = Pick<
  Notification,
  'id' | 'dedupeKey' | 'channel' | 'customerId' | 'message'
> & {
  nextAttemptAt?: number
}
