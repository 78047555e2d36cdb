import { withDeadline } from '../_internal/deadline.js'
import { randomBase62 } from '../_internal/ids.js'
import type { Notification } from '../domain/notification.js'
import { isLoopError } from '../errors.js'
import type { Runtime } from '../loop/runtime.js'
import { channelGate } from './channel-gate.js'
import { backoffMs, deliver } from './deliver.js'
import { createRecorder } from './outbox-recorder.js'
import type { PolicyOutcome } from './policy/decide.js'

export { backoffMs } from './deliver.js'

/** What one dispatcher pass (`loop.notify.dispatch()`) did: rows claimed, and how each ended. */
export interface DispatchResult {
  claimed: number
  sent: number
  retried: number
  dead: number
  /** Handed back unattempted (the channel's rate limit, the loop stopping, quiet hours). */
  released: number
  /** Ended unsent by the policy (a frequency cap, a channel that cannot reach the customer). */
  skipped: number
}

/** Options of one pass; the defaults come from the loop's `notifications` options. */
export interface DispatchInput {
  /** Rows to claim. Default `notifications.batchSize` (512). */
  limit?: number
  /** How long the claimed rows stay leased to this pass. Default `notifications.leaseMs` (60 s). */
  leaseMs?: number
  /** Aborting hands the rows not yet sent back at once (`loop.stop()` does). */
  signal?: AbortSignal
}

/**
 * One dispatcher pass: lease a batch of due outbox rows, send them — concurrently, within each
 * channel's concurrency and rate — and record the outcomes in batches as they come in. Several
 * dispatchers (processes, machines) can run at once: a row is leased to one of them at a time,
 * and an outcome is only recorded by the holder of the lease.
 *
 * Delivery is at-least-once: a process that dies between a send and its record sends that row
 * again after the lease runs out, with the same dedupe key.
 */
export async function dispatchNotifications(rt: Runtime, input: DispatchInput = {}): Promise<DispatchResult> {
  return (await startPass(rt, input)).done
}

/**
 * Claims one batch and starts sending it. Resolves once the claim is made, with how many rows it
 * holds and `done`, which settles when every outcome is recorded; `onOutcome` hears each row end.
 */
export async function startPass(
  rt: Runtime,
  input: DispatchInput & { onOutcome?: () => void },
): Promise<{ claimed: number; done: Promise<DispatchResult> }> {
  const leaseToken = randomBase62(16)
  const leaseMs = input.leaseMs ?? rt.config.dispatch.leaseMs
  const timeout = rt.config.adapterTimeoutMs
  // A send must start early enough to finish, and be recorded, well inside the lease.
  const startBy = Date.now() + Math.max(0, leaseMs - 3 * timeout)
  const rows = await withDeadline(
    rt.storage.claimNotifications({
      now: rt.now(),
      limit: input.limit ?? rt.config.dispatch.batchSize,
      leaseMs,
      leaseToken,
    }),
    timeout,
    'claiming outbox rows',
  )
  const result: DispatchResult = {
    claimed: rows.length,
    sent: 0,
    retried: 0,
    dead: 0,
    released: 0,
    skipped: 0,
  }
  const recorder = createRecorder(rt, leaseToken, result)
  const done = Promise.all(
    rows.map(async (row) => {
      recorder.add(row, await attempt(rt, row, startBy, input.signal))
      input.onOutcome?.()
    }),
  ).then(async () => {
    await recorder.done()
    return result
  })
  return { claimed: rows.length, done }
}

async function attempt(
  rt: Runtime,
  row: Notification,
  startBy: number,
  signal: AbortSignal | undefined,
): Promise<PolicyOutcome> {
  const channel = rt.messaging.find((m) => m.id === row.channel)
  if (!channel) return { status: 'dead', error: `no messaging adapter \`${row.channel}\`` }
  const gate = channelGate(rt, channel)
  const handBack = (): PolicyOutcome => ({
    status: 'release',
    nextAttemptAt: rt.now() + Math.max(0, gate.nextStart() - Date.now()),
  })
  const leave = await gate.enter(signal)
  if (!leave) return handBack()
  try {
    const outcome = await deliver(rt, row, channel, () => gate.pace({ startBy, signal }))
    // A policy deferral keeps its own time; a release for the channel's rate waits for the gate.
    return outcome.status === 'release' && !outcome.decision ? handBack() : outcome
  } catch (error) {
    // Storage failed or timed out around the send (reading the customer, taking the consent): the
    // send did not happen, so it is an ordinary retry — but the operator should hear about it.
    rt.reportError(error, `dispatching ${row.id}`)
    const { baseMs, maxMs } = rt.config.backoff
    const message = isLoopError(error) ? `${error.code}: ${error.message}` : 'unexpected error'
    if (row.attempts >= rt.config.maxAttempts) return { status: 'dead', error: message }
    return {
      status: 'retry',
      error: message,
      nextAttemptAt: rt.now() + backoffMs(row.attempts, baseMs, maxMs),
    }
  } finally {
    leave()
  }
}
