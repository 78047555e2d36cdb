import { randomBytes } from 'node:crypto'
import { loopError, type StorageAdapter } from '@loopkit/core'

export interface CachedValueOptions {
  storage: StorageAdapter
  /** Cache key of the value; the refresh lease lives at `<key>:lease`. */
  key: string
  now: () => number
  /** Fetches a fresh value and how long it may be served. */
  load: () => Promise<{ value: string; ttlMs: number }>
  /** How long one instance may hold the refresh lease before another may take over. */
  leaseMs?: number
  /** How often a waiting instance looks for the value another one is fetching. */
  pollMs?: number
  /** How many polls a waiter makes before giving up. */
  maxPolls?: number
  /** What the value is, for error messages. */
  label: string
}

export interface CachedValue {
  get(): Promise<string>
  /** Drops the cached value if it is still `value` (a newer one fetched meanwhile is kept). */
  invalidate(value: string): Promise<void>
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * A value (access token, jsapi_ticket) shared by every instance through the loop's storage cache
 * and refreshed by exactly one of them: concurrent callers in one process share one promise, and
 * across processes `cacheSet({ ifAbsent: true })` is a lease — the holder fetches, the others poll
 * the cache until the value appears (or the lease lapses and one of them takes it over). This is
 * what keeps N servers from invalidating each other's `cgi-bin/token` (errcode 40001 storms).
 */
export function cachedValue(options: CachedValueOptions): CachedValue {
  const { storage, key, now } = options
  const leaseKey = `${key}:lease`
  const leaseMs = options.leaseMs ?? 15_000
  const pollMs = options.pollMs ?? 20
  const maxPolls = options.maxPolls ?? Math.ceil((leaseMs * 2) / pollMs)
  let inflight: Promise<string> | null = null

  async function refresh(): Promise<string> {
    const lease = randomBytes(12).toString('base64url')
    for (let polls = 0; ; polls++) {
      const cached = await storage.cacheGet({ key, now: now() })
      if (cached !== null) return cached
      const { stored } = await storage.cacheSet({
        key: leaseKey,
        value: lease,
        ttlMs: leaseMs,
        now: now(),
        ifAbsent: true,
      })
      if (stored) {
        try {
          // Another holder may have finished between our read and our lease.
          const again = await storage.cacheGet({ key, now: now() })
          if (again !== null) return again
          const fresh = await options.load()
          await storage.cacheSet({ key, value: fresh.value, ttlMs: fresh.ttlMs, now: now() })
          return fresh.value
        } finally {
          await storage.cacheDelete({ key: leaseKey, ifValue: lease })
        }
      }
      if (polls >= maxPolls) {
        throw loopError(
          'wechat',
          'provider_unavailable',
          `Timed out waiting for another instance to refresh the ${options.label}.`,
          { retryable: true },
        )
      }
      await sleep(pollMs)
    }
  }

  return {
    async get() {
      const cached = await storage.cacheGet({ key, now: now() })
      if (cached !== null) return cached
      inflight ??= refresh().finally(() => {
        inflight = null
      })
      return inflight
    },
    async invalidate(value) {
      await storage.cacheDelete({ key, ifValue: value })
    },
  }
}

/**
 * How long to serve a value WeChat says lives `expiresInSec`: a minute less (a tenth less for short
 * lives), so a token is never used in its last seconds.
 */
export function ttlFor(expiresInSec: number): number {
  const ms = Math.max(0, expiresInSec) * 1000
  return Math.max(1000, ms - Math.min(60_000, ms / 10))
}
