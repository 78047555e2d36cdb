import { randomBase62 } from '../_internal/ids.js'
import type { MessagingAdapter, SendInput } from '../contracts/messaging.js'

/** Options of {@link consoleMessaging}. */
export interface ConsoleMessagingOptions {
  /** Channel name. Default `console`. */
  id?: string
  /** Where lines go. Default `console.log`; pass `() => {}` to keep tests quiet. */
  log?: (line: string) => void
}

/**
 * A messaging channel that prints each message and keeps it in `sent`: for development (it is the
 * channel of `devDefaults()`), and a recording sink for tests. It dedupes like a provider with idempotency keys: a second send
 * with a `dedupeKey` it has seen (in this process) is answered with the first message id and
 * neither printed nor recorded again.
 *
 * @example
 * ```ts
 * const messages = consoleMessaging({ log: () => {} })
 * const loop = createLoop({ secret, baseUrl, storage: memoryStorage(), messaging: [messages] })
 * await loop.notify.dispatch()
 * messages.sent // [{ customerId, message, dedupeKey }]
 * ```
 */
export function consoleMessaging(options: ConsoleMessagingOptions = {}) {
  const log = options.log ?? ((line: string) => console.log(line))
  const sent: Array<{
    customerId: string
    message: SendInput['message']
    dedupeKey: string
    providerMessageId: string
  }> = []
  // What a real provider with idempotency keys does: a repeated key is answered, not sent again.
  const byKey = new Map<string, string>()
  return {
    id: options.id ?? 'console',
    canReach: () => true,
    // Everyone: a campaign on this channel is routed inside the storage.
    reach: () => ({ all: [] }),
    dedupes: true,
    async send(input: SendInput) {
      const earlier = byKey.get(input.dedupeKey)
      if (earlier) return { providerMessageId: earlier }
      const providerMessageId = `msg_${randomBase62(12)}`
      byKey.set(input.dedupeKey, providerMessageId)
      sent.push({
        customerId: input.customer.id,
        message: input.message,
        dedupeKey: input.dedupeKey,
        providerMessageId,
      })
      log(
        `[loopkit] [message] to ${input.customer.displayName ?? input.customer.id}: ${input.message.title} — ${input.message.body}`,
      )
      return { providerMessageId }
    },
    sent,
  } satisfies MessagingAdapter & { sent: unknown[] }
}
