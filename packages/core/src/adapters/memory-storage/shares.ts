import type { StorageAdapter } from '../../contracts/storage.js'
import type { Visit } from '../../domain/share.js'
import { loopError } from '../../errors.js'
import { copy, copyOrNull, type MemoryState, writeEffects } from './state.js'

type ShareOps = Pick<
  StorageAdapter,
  'createShare' | 'getShare' | 'listShares' | 'recordVisit' | 'claimVisits' | 'lastVisit'
>

/** Newest first by a timestamp, then id descending, so equal timestamps still page stably. */
function newest<T extends { id: string }>(at: (x: T) => number): (a: T, b: T) => number {
  return (a, b) => at(b) - at(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
}

export function shareOps(state: MemoryState, scope: string): ShareOps {
  return {
    async createShare({ share, effects }) {
      if (state.shares.has(share.id))
        throw loopError(scope, 'conflict', `Share \`${share.id}\` already exists.`)
      state.shares.set(share.id, copy(share))
      writeEffects(state, effects, share.createdAt)
      return copy(share)
    },

    async getShare({ id }) {
      return copyOrNull(state.shares.get(id))
    },

    async listShares({ customerId, limit }) {
      return [...state.shares.values()]
        .filter((s) => customerId === undefined || s.customerId === customerId)
        .sort(newest((s) => s.createdAt))
        .slice(0, Math.max(0, limit))
        .map(copy)
    },

    async recordVisit({ visit, effects }) {
      if (state.visits.has(visit.id))
        throw loopError(scope, 'conflict', `Visit \`${visit.id}\` already exists.`)
      state.visits.set(visit.id, copy(visit))
      writeEffects(state, effects, visit.at)
      return copy(visit)
    },

    async claimVisits({ visitorKey, customerId }) {
      let claimed = 0
      for (const v of state.visits.values()) {
        if (v.visitorKey === visitorKey && v.customerId === null) {
          v.customerId = customerId
          claimed += 1
        }
      }
      return { claimed }
    },

    async lastVisit({ customerId, visitorKey, since }) {
      let best: Visit | undefined
      const order = newest<Visit>((v) => v.at)
      for (const v of state.visits.values()) {
        if (v.at < since || v.sharerId === customerId) continue
        // A browser's unclaimed visits count; visits another customer already claimed do not.
        const mine =
          v.customerId === customerId ||
          (visitorKey !== undefined &&
            visitorKey !== null &&
            v.visitorKey === visitorKey &&
            v.customerId === null)
        if (mine && (best === undefined || order(v, best) < 0)) best = v
      }
      return copyOrNull(best)
    },
  }
}
