import type { Consent, Customer } from '../domain/customer.js'
import type { RenderedMessage } from '../domain/notification.js'

/** The input of `MessagingAdapter.send`: one message for one customer. */
export interface SendInput {
  customer: Customer
  message: RenderedMessage
  /** The outbox row's dedupe key: channels that support it pass it on (WeChat `client_msg_id`). */
  dedupeKey: string
}

/**
 * A channel that delivers one message to one customer.
 *
 * Failures throw `LoopError`: `retryable: true` for transient ones (the dispatcher backs off and
 * retries), `retryable: false` for permanent ones (dead-lettered). `recipient_refused` also revokes
 * the consent it names. Prove an implementation with `testMessagingAdapter()` from `@loopkit/testing`.
 */
export interface MessagingAdapter {
  /** The channel name outbox rows are addressed to. */
  readonly id: string
  /**
   * Whether this channel can reach the customer (has an address for them) — and, when `message`
   * is given, whether it carries that message at all (a channel without a template for a topic
   * answers false, and the loop queues nothing for it).
   */
  canReach(input: { customer: Customer; message?: RenderedMessage }): boolean
  /** The consent a send needs, or null when none is needed. */
  consentFor?(input: { message: RenderedMessage }): { topic: string } | null
  send(input: SendInput): Promise<{ providerMessageId: string | null }>
  /** Validates a message before it is queued, so a bad one fails at the change that caused it. */
  validate?(input: { message: RenderedMessage }): void
}

export type { Consent }
