import type { StorageAdapter } from '../../contracts/storage.js'
import type { LoopEventRecord } from '../../domain/event.js'
import { copy, type MemoryState, writeEffects } from './state.js'

type EventOps = Pick<StorageAdapter, 'appendEvents' | 'listEvents'>

/** Index of the first event with `seq > after` (events are sorted by seq). */
function firstAfter(events: readonly LoopEventRecord[], after: number): number {
  let lo = 0
  let hi = events.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (events[mid]!.seq <= after) lo = mid + 1
    else hi = mid
  }
  return lo
}

export function eventOps(state: MemoryState): EventOps {
  return {
    async appendEvents({ events }) {
      writeEffects(state, { events }, 0)
    },

    async listEvents({ after, types, customerId, orderId, limit }) {
      const out: LoopEventRecord[] = []
      const typeSet = types ? new Set(types) : null
      for (let i = firstAfter(state.events, after ?? 0); i < state.events.length && out.length < limit; i++) {
        const e = state.events[i]!
        if (typeSet && !typeSet.has(e.type)) continue
        if (customerId !== undefined && e.customerId !== customerId) continue
        if (orderId !== undefined && e.orderId !== orderId) continue
        out.push(copy(e))
      }
      return out
    },
  }
}
