import { newId } from '../../_internal/ids.js'
import type { MessagingAdapter } from '../../contracts/messaging.js'
import type { Customer } from '../../domain/customer.js'
import type { NewNotification, Notification, RenderedMessage } from '../../domain/notification.js'
import type { NotificationPolicy } from './types.js'

/**
 * The channel ids of a message's fallback chain — its own (a campaign's plan), else its topic's —
 * or null when it has none (every channel at once).
 */
export function chainOf(
  policy: NotificationPolicy,
  message: Pick<RenderedMessage, 'topic' | 'chain'>,
): readonly string[] | null {
  return message.chain ?? policy.topics?.[message.topic]?.chain ?? null
}

/** Why a channel cannot take this message for this customer right now, or null when it can. */
export function unreachable(
  policy: NotificationPolicy,
  channel: MessagingAdapter,
  customer: Customer,
  message: RenderedMessage,
): 'unfollowed' | 'unreachable' | null {
  if (policy.channels?.[channel.id]?.followersOnly && customer.followedAt === null) return 'unfollowed'
  return channel.canReach({ customer, message }) ? null : 'unreachable'
}

/** The first channel of `ids` that can reach the customer and carry the message. */
export function firstReachable(
  policy: NotificationPolicy,
  channels: readonly MessagingAdapter[],
  ids: readonly string[],
  customer: Customer,
  message: RenderedMessage,
  onInvalid: (error: unknown, channel: MessagingAdapter) => void,
): MessagingAdapter | null {
  for (const id of ids) {
    const channel = channels.find((c) => c.id === id)
    if (!channel || unreachable(policy, channel, customer, message)) continue
    try {
      channel.validate?.({ message })
    } catch (error) {
      onInvalid(error, channel)
      continue
    }
    return channel
  }
  return null
}

/**
 * The key of the logical message behind a row: its dedupe key without the channel suffix, so every
 * channel of one fallback chain shares it (and a frequency cap counts the message once).
 */
export function messageKey(row: Pick<Notification, 'dedupeKey' | 'channel'>): string {
  const suffix = `:${row.channel}`
  return row.dedupeKey.endsWith(suffix) ? row.dedupeKey.slice(0, -suffix.length) : row.dedupeKey
}

/**
 * The row of the next channel in the chain after `row.channel` that can reach the customer, with
 * a dedupe key derived from the same logical message, or null when the chain is exhausted.
 */
export function fallbackRow(
  policy: NotificationPolicy,
  channels: readonly MessagingAdapter[],
  row: Notification,
  customer: Customer,
  onInvalid: (error: unknown, channel: MessagingAdapter) => void,
): NewNotification | null {
  const chain = chainOf(policy, row.message)
  if (!chain) return null
  const at = chain.indexOf(row.channel)
  if (at < 0) return null
  // A broadcast channel takes whole campaign batches, never one member's message.
  const perMember = channels.filter((c) => !c.broadcast)
  const next = firstReachable(policy, perMember, chain.slice(at + 1), customer, row.message, onInvalid)
  if (!next) return null
  return {
    id: newId('ntf'),
    dedupeKey: `${messageKey(row)}:${next.id}`,
    channel: next.id,
    customerId: row.customerId,
    message: row.message,
  }
}
