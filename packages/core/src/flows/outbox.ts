import { newId } from '../_internal/ids.js'
import type { Customer } from '../domain/customer.js'
import type { NewNotification } from '../domain/notification.js'
import type { NotificationInput, NotificationTopic } from '../loop/options.js'
import type { Runtime } from '../loop/runtime.js'

/**
 * The outbox rows a change writes: the topic's template rendered once, one row per channel that
 * can reach the customer. `ref` makes the dedupe key (`order.paid:<orderId>:<channel>`), so a
 * replayed change never queues a second message.
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
  const rows: NewNotification[] = []
  for (const channel of rt.messaging) {
    if (!channel.canReach({ customer, message })) continue
    try {
      channel.validate?.({ message })
    } catch (error) {
      // A template that a channel cannot carry must not block the payment that triggered it.
      rt.reportError(error, `notification ${topic} on ${channel.id}`)
      continue
    }
    rows.push({
      id: newId('ntf'),
      dedupeKey: `${topic}:${ref}:${channel.id}`,
      channel: channel.id,
      customerId: customer.id,
      message,
    })
  }
  return rows
}
