import { withDeadline } from '../../_internal/deadline.js'
import type { MessagingAdapter } from '../../contracts/messaging.js'
import type { NotificationOutcome } from '../../contracts/outbox-types.js'
import type { Customer } from '../../domain/customer.js'
import type { NewNotification, Notification } from '../../domain/notification.js'
import { loopError } from '../../errors.js'
import type { Runtime } from '../../loop/runtime.js'
import { fallbackRow, messageKey, unreachable } from './chain.js'
import { quietUntil } from './quiet-hours.js'
import { classOf } from './types.js'

/** An outcome, plus the fallback channel's row to write with it. */
export type PolicyOutcome = NotificationOutcome & { fallback?: NewNotification }

/**
 * Ends a row that this channel cannot deliver (`reason`: `unfollowed`, `no_consent`,
 * `recipient_refused`, …): the next channel of the topic's chain gets a row, written in the same
 * storage step, and this one records `fell_back: <reason>`. Without a next channel, `failure`
 * (a permanent send failure) dead-letters the row; otherwise it is `skipped: <reason>`.
 */
export function fallBack(
  rt: Runtime,
  row: Notification,
  customer: Customer,
  reason: string,
  failure?: string,
): PolicyOutcome {
  const next = fallbackRow(rt.config.policy, rt.messaging, row, customer, (error, channel) =>
    rt.reportError(error, `fallback of ${row.id} on ${channel.id}`),
  )
  const decision = `fell_back: ${reason}`
  if (next)
    return failure
      ? { status: 'dead', error: failure, decision, fallback: next }
      : { status: 'skipped', decision, fallback: next }
  return failure ? { status: 'dead', error: failure } : { status: 'skipped', decision: `skipped: ${reason}` }
}

/**
 * The policy's say on a leased row before it is sent: reachability (follow state), quiet hours in
 * the customer's zone (deferred, not dropped), then the frequency caps — reserved in the storage's
 * send ledger atomically, so concurrent dispatchers cannot exceed them. Null: go ahead and send.
 */
export async function checkPolicy(
  rt: Runtime,
  row: Notification,
  channel: MessagingAdapter,
  customer: Customer,
): Promise<PolicyOutcome | null> {
  const policy = rt.config.policy
  const cannot = unreachable(policy, channel, customer, row.message)
  if (cannot) return fallBack(rt, row, customer, cannot)
  const rules = policy.classes?.[classOf(policy, row.message.topic)]
  if (!rules) return null
  if (rules.quietHours) {
    const zone = customer.timeZone ?? policy.defaultTimeZone ?? 'UTC'
    const until = quietUntil({ at: rt.now(), timeZone: zone, quiet: rules.quietHours })
    if (until !== null) return { status: 'release', nextAttemptAt: until, decision: 'deferred: quiet_hours' }
  }
  if (rules.caps?.length) {
    const reserve = rt.storage.reserveSend
    if (!reserve)
      throw loopError('loop', 'configuration', 'Frequency caps need a storage adapter with `reserveSend`.')
    const { ok } = await withDeadline(
      reserve.call(rt.storage, {
        key: messageKey(row),
        customerId: customer.id,
        class: classOf(policy, row.message.topic),
        caps: rules.caps,
        now: rt.now(),
      }),
      rt.config.adapterTimeoutMs,
      'reserving a send',
    )
    if (!ok) return { status: 'skipped', decision: 'skipped: frequency_cap' }
  }
  return null
}
