import type { StorageAdapter } from '../../contracts/storage.js'
import type { Customer } from '../../domain/customer.js'
import { audienceMatcher } from './audience-match.js'
import { copy, copyOrNull, type MemoryState } from './state.js'

type AudienceOps = Pick<
  StorageAdapter,
  'listCustomers' | 'countCustomers' | 'putAudience' | 'getAudience' | 'listAudiences'
>

/** The customer ids in id order, rebuilt only after the pool changed. */
export function ordered(state: MemoryState): string[] {
  state.customerOrder ??= [...state.customers.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return state.customerOrder
}

/** The index of the first id greater than `after` (binary search). */
export function firstAfter(ids: string[], after: string): number {
  let lo = 0
  let hi = ids.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (ids[mid]! <= after) lo = mid + 1
    else hi = mid
  }
  return lo
}

export function audienceOps(state: MemoryState): AudienceOps {
  return {
    async listCustomers({ where, after, limit, now }) {
      const match = audienceMatcher(state, where, now ?? Date.now())
      const ids = ordered(state)
      const page: Customer[] = []
      const size = Math.max(0, Math.floor(limit))
      let more = false
      for (let i = after ? firstAfter(ids, after) : 0; i < ids.length; i++) {
        const c = state.customers.get(ids[i]!)!
        if (!match(c)) continue
        if (page.length === size) {
          more = true
          break
        }
        page.push(c)
      }
      return { customers: page.map(copy), next: more && page.length > 0 ? page.at(-1)!.id : null }
    },

    async countCustomers({ where, now }) {
      const match = audienceMatcher(state, where, now ?? Date.now())
      let count = 0
      for (const c of state.customers.values()) if (match(c)) count += 1
      return { count }
    },

    async putAudience({ audience }) {
      const existing = state.audiences.get(audience.id)
      const stored = { ...copy(audience), createdAt: existing?.createdAt ?? audience.createdAt }
      state.audiences.set(stored.id, stored)
      return copy(stored)
    },

    async getAudience({ id }) {
      return copyOrNull(state.audiences.get(id))
    },

    async listAudiences() {
      return [...state.audiences.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map(copy)
    },
  }
}
