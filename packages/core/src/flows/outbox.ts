import { newId } from '../_internal/ids.js'
import type { Customer } from '../domain/customer.js'
import type { NewNotification } from '../domain/notification.js'
import type { NotificationInput, NotificationTopic } from '../loop/options.js'
import type { Runtime } from '../loop/runtime.js'
import { chainOf, firstReachable } from './policy/chain.js'

/**
 * The outbox rows a change writes: the topic's template rendered once, and either one row for the
 * first channel of the topic's fallback chain (`policy.topics[topic].chain`) that can reach the
 * customer — the dispatcher moves it down the chain when that channel cannot deliver — or, for a
 * topic without a chain, one row per channel that can reach the customer. `ref` makes the dedupe
 * key (`order.paid:<orderId>:<channel>`), so a replayed change never queues a second message.
 */
export function outboxFor(
  rt: Runtime,
  topic: NotificationTopic,
  ref: string,
  input: Omit<NotificationInput, 'customer'> & { customer: Customer | null },
): NewNotification[] {
  const { customer } = input
  if (!customer) return []
  let message: ReturnType<Runtime['templates'][NotificationTopic]>
  try {
    message = rt.templates[topic]({ ...input, customer })
  } catch (error) {
    rt.reportError(error, `notification template ${topic}`)
    return []
  }
  if (!message) return []
  // A template that a channel cannot carry must not block the payment that triggered it.
  const onInvalid = (error: unknown, channel: { id: string }) =>
    rt.reportError(error, `notification ${topic} on ${channel.id}`)
  const policy = rt.config.policy
  const chain = chainOf(policy, message)
  // A broadcast channel takes whole campaign batches, never one customer's notification.
  const perMember = rt.messaging.filter((c) => !c.broadcast)
  const channels = chain
    ? [firstReachable(policy, perMember, chain, customer, message, onInvalid)].filter((c) => c !== null)
    : perMember.filter((c) => firstReachable(policy, [c], [c.id], customer, message, onInvalid))
  return channels.map((channel) => ({
    id: newId('ntf'),
    dedupeKey: `${topic}:${ref}:${channel.id}`,
    channel: channel.id,
    customerId: customer.id,
    message,
  }))
}
