import type { StorageAdapter } from '../../contracts/storage.js'
import type { MemoryState } from './state.js'

type CacheOps = Pick<StorageAdapter, 'cacheGet' | 'cacheSet' | 'cacheDelete'>

/** Expired entries are dropped lazily on read and swept every this many writes. */
const SWEEP_EVERY = 1000

export function cacheOps(state: MemoryState): CacheOps {
  const sweep = (now: number): void => {
    for (const [k, entry] of state.cache) if (entry.expiresAt <= now) state.cache.delete(k)
  }

  return {
    async cacheGet({ key, now }) {
      const entry = state.cache.get(key)
      if (!entry) return null
      if (entry.expiresAt <= now) {
        state.cache.delete(key)
        return null
      }
      return entry.value
    },

    async cacheSet({ key, value, ttlMs, now, ifAbsent }) {
      if (ifAbsent) {
        const entry = state.cache.get(key)
        if (entry && entry.expiresAt > now) return { stored: false }
      }
      state.cache.set(key, { value, expiresAt: now + ttlMs })
      state.cacheWrites += 1
      if (state.cacheWrites % SWEEP_EVERY === 0) sweep(now)
      return { stored: true }
    },

    async cacheDelete({ key, ifValue }) {
      const entry = state.cache.get(key)
      if (!entry) return { deleted: false }
      if (ifValue !== undefined && entry.value !== ifValue) return { deleted: false }
      state.cache.delete(key)
      return { deleted: true }
    },
  }
}
