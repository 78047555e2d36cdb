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
   * Waits for a free slot (first come, first served). Resolves to the slot's `release()`, or to
   * `null` when `signal` aborted first.
   */
  enter(signal?: AbortSignal): Promise<(() => void) | null>
  /**
   * Call while holding a slot, right before the send: waits for the next start time the rate
   * allows and takes it. Resolves false, taking nothing, when that time is after `startBy` (a
   * wall-clock ms) or `signal` aborts.
   */
  pace(input: { startBy: number; signal?: AbortSignal | undefined }): Promise<boolean>
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
  let lastStart = Number.NEGATIVE_INFINITY
  let chain: Promise<void> = Promise.resolve()
  const waiting: Array<() => void> = []
  const release = () => {
    const next = waiting.shift()
    if (next) next()
    else free++
  }
  // Waiters hold no abort listener (a batch would add hundreds): a stopping loop's sends end
  // within their deadline, and each waiter then sees the abort and passes its slot straight on.
  const acquire = async (signal?: AbortSignal): Promise<boolean> => {
    if (free > 0) free--
    else await new Promise<void>((resolve) => waiting.push(resolve))
    if (!signal?.aborted) return true
    release()
    return false
  }
  return {
    async enter(signal) {
      return (await acquire(signal)) ? release : null
    },
    async pace({ startBy, signal }) {
      if (spacing === 0) return !signal?.aborted
      // One pacer at a time, each spacing itself from the actual start before it: a timer that
      // fires late can then never squeeze the next start closer than the limit allows.
      const previous = chain
      let done = () => {}
      chain = new Promise<void>((resolve) => {
        done = resolve
      })
      try {
        await previous
        const at = lastStart + spacing
        if (signal?.aborted || at > startBy) return false
        while (!signal?.aborted && Date.now() < at) await sleep(at - Date.now(), signal)
        if (signal?.aborted) return false
        lastStart = Date.now()
        return true
      } finally {
        done()
      }
    },
    nextStart: () => Math.max(Date.now(), lastStart + spacing),
  }
}
