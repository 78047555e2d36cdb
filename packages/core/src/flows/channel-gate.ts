import { sleep } from '../_internal/deadline.js'
import type { MessagingAdapter } from '../contracts/messaging.js'
import type { Runtime } from '../loop/runtime.js'

/**
 * The per-process throttle of one channel: at most `concurrency` sends in flight, and sends started
 * at least `60 000 / perMinute` ms apart. Shared by every dispatcher pass of the loop, so a manual
 * `loop.notify.dispatch()` running beside the background one cannot double the rate.
 */
export interface ChannelGate {
  /**
   * Waits for a free slot (first come, first served) and then for the next rate-limit start time,
   * holding the slot meanwhile. Resolves to a `release()` for the slot, or to `null` without a
   * slot when the send could not start by `startBy` (a wall-clock ms) or `signal` aborted.
   */
  enter(input: { startBy: number; signal?: AbortSignal | undefined }): Promise<(() => void) | null>
  /** The wall-clock time at which the next send could start, for a row that is handed back. */
  nextStart(): number
}

const gates = new WeakMap<Runtime, Map<string, ChannelGate>>()

/** The gate of `channel` in this loop, made on first use from its limits. */
export function channelGate(rt: Runtime, channel: MessagingAdapter): ChannelGate {
  let byChannel = gates.get(rt)
  if (!byChannel) {
    byChannel = new Map()
    gates.set(rt, byChannel)
  }
  let gate = byChannel.get(channel.id)
  if (!gate) {
    const limits = rt.config.dispatch.limits(channel)
    gate = createGate(Math.max(1, Math.floor(limits.concurrency ?? 1)), limits.perMinute ?? null)
    byChannel.set(channel.id, gate)
  }
  return gate
}

function createGate(concurrency: number, perMinute: number | null): ChannelGate {
  const spacing = perMinute && perMinute > 0 ? 60_000 / perMinute : 0
  let free = concurrency
  let nextAt = 0
  const waiting: Array<() => void> = []
  const release = () => {
    const next = waiting.shift()
    if (next) next()
    else free++
  }
  const acquire = (signal?: AbortSignal): Promise<boolean> => {
    if (signal?.aborted) return Promise.resolve(false)
    if (free > 0) {
      free--
      return Promise.resolve(true)
    }
    return new Promise((resolve) => {
      const take = () => {
        signal?.removeEventListener('abort', abort)
        resolve(true)
      }
      const abort = () => {
        const i = waiting.indexOf(take)
        if (i >= 0) waiting.splice(i, 1)
        resolve(false)
      }
      waiting.push(take)
      signal?.addEventListener('abort', abort, { once: true })
    })
  }
  return {
    async enter({ startBy, signal }) {
      if (!(await acquire(signal))) return null
      const now = Date.now()
      const at = Math.max(now, nextAt)
      if (at > startBy) {
        release()
        return null
      }
      nextAt = at + spacing
      if (at > now) await sleep(at - now, signal)
      if (signal?.aborted) {
        release()
        return null
      }
      return release
    },
    nextStart: () => Math.max(Date.now(), nextAt),
  }
}
