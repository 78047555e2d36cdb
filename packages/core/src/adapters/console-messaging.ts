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
 * A messaging channel that prints each message and keeps it in `sent`: the development default,
 * and a recording sink for tests.
 *
 * @example
 * ```ts
 * const messages = consoleMessaging({ log: () => {} })
 * const loop = createLoop({ secret, baseUrl, messaging: [messages] })
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
  return {
    id: options.id ?? 'console',
    canReach: () => true,
    async send(input: SendInput) {
      const providerMessageId = `msg_${randomBase62(12)}`
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
