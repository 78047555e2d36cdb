/** A message rendered for one recipient, independent of the channel's wire format. */
export interface RenderedMessage {
  /** The reason for the message (`order.paid`); channels map it to their template. */
  topic: string
  title: string
  body: string
  url?: string
  /** Named values for templated channels (WeChat keywords). */
  fields: Record<string, string>
}

/** An outbox row's state: waiting (or between retries), delivered, or dead-lettered. */
export type NotificationStatus = 'pending' | 'sent' | 'dead'

/** An outbox row: written with the change that caused it, delivered later by the dispatcher. */
export interface Notification {
  id: string
  /** Unique: a second row with the same key is never written, a send is never repeated. */
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
