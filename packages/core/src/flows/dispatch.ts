import { randomBase62 } from '../_internal/ids.js'
import type { Effects } from '../contracts/storage.js'
import type { Notification } from '../domain/notification.js'
import { isLoopError } from '../errors.js'
import type { Runtime } from '../loop/runtime.js'

/** What one dispatcher pass (`loop.notify.dispatch()`) did: rows claimed, and how each ended. */
export interface DispatchResult {
  claimed: number
  sent: number
  retried: number
  dead: number
}

/**
 * Exponential backoff with jitter, capped: retry `attempt` waits between half and all of
 * `min(max, base × 2^(attempt − 1))`.
 *
 * @example
 * ```ts
 * backoffMs(1, 5_000, 3_600_000) // 2500–5000
 * backoffMs(4, 5_000, 3_600_000) // 20000–40000
 * ```
 */
export function backoffMs(attempt: number, base: number, max: number, random = Math.random): number {
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1))
  return Math.ceil(ceiling / 2 + (random() * ceiling) / 2)
}

type Outcome = Parameters<Runtime['storage']['completeNotification']>[0]['outcome']

async function deliver(rt: Runtime, row: Notification): Promise<Outcome> {
  const channel = rt.messaging.find((m) => m.id === row.channel)
  if (!channel) return { status: 'dead', error: `no messaging adapter \`${row.channel}\`` }
  const customer = await rt.storage.getCustomer({ id: row.customerId })
  if (!customer) return { status: 'dead', error: 'customer not found' }
  const consent = channel.consentFor?.({ message: row.message }) ?? null
  if (consent) {
    const { ok } = await rt.storage.changeConsent({
      customerId: customer.id,
      channel: channel.id,
      topic: consent.topic,
      change: { consume: true },
      now: rt.now(),
    })
    if (!ok)
      return { status: 'dead', error: 'consent_missing: the customer has no subscription for this message' }
  }
  try {
    const { providerMessageId } = await channel.send({
      customer,
      message: row.message,
      dedupeKey: row.dedupeKey,
    })
    return { status: 'sent', providerMessageId }
  } catch (error) {
    const e = isLoopError(error) ? error : null
    if (!e) rt.reportError(error, `messaging ${channel.id}`)
    if (consent && e?.code === 'recipient_refused') {
      await rt.storage.changeConsent({
        customerId: customer.id,
        channel: channel.id,
        topic: consent.topic,
        change: { revoke: true },
        now: rt.now(),
      })
    } else if (consent) {
      // The send did not happen: give back the one-time consent it took.
      await rt.storage.changeConsent({
        customerId: customer.id,
        channel: channel.id,
        topic: consent.topic,
        change: { grant: 1 },
        now: rt.now(),
      })
    }
    const message = e ? `${e.code}: ${e.message}` : 'unexpected error'
    const retryable = e ? e.retryable : true
    // `attempts` already counts this one: the claim increments it.
    if (!retryable || row.attempts >= rt.config.maxAttempts) return { status: 'dead', error: message }
    const { baseMs, maxMs } = rt.config.backoff
    return {
      status: 'retry',
      error: message,
      nextAttemptAt: rt.now() + backoffMs(row.attempts, baseMs, maxMs),
    }
  }
}

/**
 * One dispatcher pass: lease due outbox rows, send each, record the outcome. Several dispatchers
 * (processes, machines) can run at once: a row is leased to one of them at a time, and an outcome
 * is only recorded by the holder of the lease.
 */
export async function dispatchNotifications(
  rt: Runtime,
  input: { limit?: number; leaseMs?: number } = {},
): Promise<DispatchResult> {
  const leaseToken = randomBase62(16)
  const rows = await rt.storage.claimNotifications({
    now: rt.now(),
    limit: input.limit ?? 50,
    leaseMs: input.leaseMs ?? 60_000,
    leaseToken,
  })
  const result: DispatchResult = { claimed: rows.length, sent: 0, retried: 0, dead: 0 }
  await Promise.all(
    rows.map(async (row) => {
      const outcome = await deliver(rt, row)
      const type =
        outcome.status === 'sent'
          ? 'notification.sent'
          : outcome.status === 'retry'
            ? 'notification.retry'
            : 'notification.dead'
      const effects: Effects = {
        events: [
          rt.event(
            type,
            {
              notificationId: row.id,
              channel: row.channel,
              topic: row.message.topic,
              dedupeKey: row.dedupeKey,
              ...(outcome.status !== 'sent' ? { error: outcome.error } : {}),
            },
            { customerId: row.customerId },
          ),
        ],
      }
      const { changed } = await rt.storage.completeNotification({
        id: row.id,
        leaseToken,
        outcome,
        now: rt.now(),
        effects,
      })
      if (!changed) return
      rt.published(effects)
      if (outcome.status === 'sent') result.sent++
      else if (outcome.status === 'retry') result.retried++
      else result.dead++
    }),
  )
  return result
}
