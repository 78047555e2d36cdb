import type { AudienceFilter } from '../domain/audience.js'
import type { Consent, Customer } from '../domain/customer.js'
import type { RenderedMessage } from '../domain/notification.js'
import type { BroadcastCapability } from './broadcast.js'

/** The input of `MessagingAdapter.send`: one message for one customer. */
export interface SendInput {
  customer: Customer
  message: RenderedMessage
  /**
   * The outbox row's dedupe key, the same on every attempt of that row. Delivery is at-least-once:
   * a process that dies after the channel accepted a message but before the outbox recorded it
   * sends it again after restart, with this same key. A channel that can drop repeats passes it on
   * (WeChat `client_msg_id`, an `Idempotency-Key` header) and says so with `dedupes: true`.
   */
  dedupeKey: string
}

/** How hard a channel may be driven: the dispatcher never exceeds these in one process. */
export interface MessagingLimits {
  /** Sends in flight at once on this channel. Default: the loop's `notifications.concurrency` (64). */
  concurrency?: number
  /**
   * Sends started per minute on this channel (WeChat's per-minute API quotas), spread evenly.
   * Per process: with several dispatching instances, give each its share. Default: unlimited.
   */
  perMinute?: number
}

/**
 * A channel that delivers one message to one customer.
 *
 * Every send runs under a deadline (`background.adapterTimeoutMs`, default 5 s): a send that has
 * not settled by then counts as a retryable failure, and a late success is not recorded — the row
 * is sent again later with the same `dedupeKey`.
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
  /**
   * The consent topic a vendor template id stands for (WeChat subscription templates), or null when
   * the channel has no such template. `POST /consents` uses it to record what the customer accepted.
   */
  topicFor?(input: { templateId: string }): string | null
  send(input: SendInput): Promise<{ providerMessageId: string | null }>
  /** Validates a message before it is queued, so a bad one fails at the change that caused it. */
  validate?(input: { message: RenderedMessage }): void
  /**
   * True when the channel itself drops a second send with the same `dedupeKey` (answering like
   * the first), so the at-least-once repeats after a crash never reach the customer twice. Proven
   * by `testMessagingAdapter()`; leave it out when the channel cannot promise it.
   */
  readonly dedupes?: boolean
  /** Concurrency and rate the channel allows; `notifications.channels` in the loop options overrides. */
  readonly limits?: MessagingLimits
  /**
   * The customers `canReach` answers true for with this message, as an audience filter (null: the
   * channel does not carry the message). With it, a campaign's fan-out routes members inside the
   * storage (one set-based statement per batch) instead of loading each one; it must agree with
   * `canReach`.
   */
  reach?(input: { message: RenderedMessage }): AudienceFilter | null
  /** Reaches many customers in one call (WeChat mass send); see {@link BroadcastCapability}. */
  readonly broadcast?: BroadcastCapability
}

export type { Consent }
