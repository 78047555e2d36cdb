import { withDeadline } from '../_internal/deadline.js'
import type { MessagingAdapter } from '../contracts/messaging.js'
import type { Notification } from '../domain/notification.js'
import { isLoopError } from '../errors.js'
import type { Runtime } from '../loop/runtime.js'
import { chainOf, messageKey } from './policy/chain.js'
import { checkPolicy, fallBack, type PolicyOutcome } from './policy/decide.js'

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

/**
 * Sends one leased row on its channel and says how it ended. Every adapter call has the loop's
 * deadline: a send that hangs becomes a retryable `timeout`, like any transient failure.
 */
export async function deliver(
  rt: Runtime,
  row: Notification,
  channel: MessagingAdapter,
  /** Waits for the channel's rate right before the send; false hands the row back unattempted. */
  pace: () => Promise<boolean>,
): Promise<PolicyOutcome> {
  const outcome = await attempt(rt, row, channel, pace)
  const ended = (outcome.status === 'dead' || outcome.status === 'skipped') && !outcome.fallback
  // The last row of a fallback chain ended unsent: the message reached nobody, so its frequency
  // cap reservation is given back. (Rows of an unchained message share its key with the other
  // channels' rows, one of which may be sent: those keep it.)
  if (ended && rt.storage.releaseSend && chainOf(rt.config.policy, row.message) !== null) {
    await withDeadline(
      rt.storage.releaseSend({ key: messageKey(row) }),
      rt.config.adapterTimeoutMs,
      'releasing a send',
    ).catch((error) => rt.reportError(error, `releasing the cap reservation of ${row.id}`))
  }
  return outcome
}

async function attempt(
  rt: Runtime,
  row: Notification,
  channel: MessagingAdapter,
  pace: () => Promise<boolean>,
): Promise<PolicyOutcome> {
  const ms = rt.config.adapterTimeoutMs
  const customer = await withDeadline(
    rt.storage.getCustomer({ id: row.customerId }),
    ms,
    'reading a customer',
  )
  if (!customer) return { status: 'dead', error: 'customer not found' }
  const decided = await checkPolicy(rt, row, channel, customer)
  if (decided) return decided
  const chained = chainOf(rt.config.policy, row.message) !== null
  const consent = channel.consentFor?.({ message: row.message }) ?? null
  const changeConsent = (change: { consume: true } | { revoke: true } | { grant: number }) =>
    withDeadline(
      rt.storage.changeConsent({
        customerId: customer.id,
        channel: channel.id,
        topic: consent!.topic,
        change,
        now: rt.now(),
      }),
      ms,
      'changing a consent',
    )
  if (consent) {
    const { ok } = await changeConsent({ consume: true })
    if (!ok && chained) return fallBack(rt, row, customer, 'no_consent')
    if (!ok)
      return { status: 'dead', error: 'consent_missing: the customer has no subscription for this message' }
  }
  if (!(await pace())) {
    if (consent) await changeConsent({ grant: 1 })
    return { status: 'release', nextAttemptAt: rt.now() }
  }
  try {
    const { providerMessageId } = await withDeadline(
      channel.send({ customer, message: row.message, dedupeKey: row.dedupeKey }),
      ms,
      `send on ${channel.id}`,
    )
    return { status: 'sent', providerMessageId }
  } catch (error) {
    const e = isLoopError(error) ? error : null
    if (!e) rt.reportError(error, `messaging ${channel.id}`)
    if (consent) {
      // A refusal withdraws the consent; any other failure did not use it up, so give it back.
      await changeConsent(e?.code === 'recipient_refused' ? { revoke: true } : { grant: 1 }).catch((err) =>
        rt.reportError(err, `consent after a failed send on ${channel.id}`),
      )
    }
    const message = e ? `${e.code}: ${e.message}` : 'unexpected error'
    const retryable = e ? e.retryable : true
    // A channel that cannot take this message for good hands it to the next one of its chain.
    if (!retryable && e && chained) return fallBack(rt, row, customer, e.code, message)
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
