import { randomBytes } from 'node:crypto'
import type { StorageAdapter } from '@loopkit/core'
import { wechatError } from '../_internal/errors.js'
import type { PlatformCertificate } from './certificate-download.js'
import { type CertificateSet, readCertificateSet, verifiersOf } from './certificate-set.js'
import type { WechatVerifiers } from './verify-signature.js'

/** Options of {@link createCertificateStore}; the defaults are in `options.ts`. */
export interface CertificateStoreOptions {
  storage: StorageAdapter
  /** Cache key of the merchant's certificates; leases live beside it. */
  key: string
  now: () => number
  /** Downloads and checks the certificates; `trusted` are the keys an answer may be signed with. */
  download: (input: { trusted: WechatVerifiers; signal: AbortSignal }) => Promise<PlatformCertificate[]>
  /** Keys configured by hand (`verifiers`), trusted next to the cached certificates. */
  configured: WechatVerifiers
  refreshIntervalMs: number
  refreshBeforeExpiryMs: number
  minIntervalMs: number
  deadlineMs: number
}

/** The platform certificates every instance of the adapter shares through the loop's storage. */
export interface CertificateStore {
  /**
   * The keys to verify with now: configured verifiers plus every cached certificate that is in its
   * validity period. Downloads first when nothing is cached yet; starts a background refresh when
   * one is due.
   */
  verifiers(): Promise<WechatVerifiers>
  /**
   * A message named a serial we do not hold: download again, unless any instance did within
   * `minIntervalMs` (then only re-read the cache). Never more than one download per interval.
   */
  refreshForUnknownSerial(): Promise<WechatVerifiers>
  /** Downloads now (subject to the same interval) and returns the cached certificates. */
  refresh(): Promise<PlatformCertificate[]>
  /** The cached certificates, expired ones dropped. */
  list(): Promise<PlatformCertificate[]>
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.())

/**
 * The certificate cache: one JSON entry per merchant in the storage cache, written only after an
 * answer passed every check (a refused answer leaves it as it was). Downloads are single-flight in a
 * process and, across processes, gated by a lease that is not released: it lapses after
 * `minIntervalMs`, so however many callbacks name unknown serials, the merchant asks WeChat at most
 * once per interval. Every download runs under `deadlineMs`.
 */
export function createCertificateStore(options: CertificateStoreOptions): CertificateStore {
  const { storage, key, now } = options
  const leaseKey = `${key}:download`
  // Set when a download fails, for the rest of its interval: instances waiting for the first
  // certificates then fail at once instead of holding a callback until their deadline.
  const failedKey = `${key}:failed`
  let inflight: Promise<CertificateSet | null> | null = null

  async function read(): Promise<CertificateSet | null> {
    return readCertificateSet(await storage.cacheGet({ key, now: now() }))
  }

  async function download(): Promise<CertificateSet> {
    const cached = await read()
    const signal = AbortSignal.timeout(options.deadlineMs)
    let certificates: PlatformCertificate[]
    try {
      certificates = await options.download({
        trusted: verifiersOf({ configured: options.configured, set: cached, now: now() }),
        signal,
      })
    } catch (e) {
      await storage.cacheSet({ key: failedKey, value: '1', ttlMs: options.minIntervalMs, now: now() })
      throw e
    }
    const set: CertificateSet = { fetchedAt: now(), certificates }
    const lastExpiry = Math.max(...certificates.map((c) => c.expireAt))
    await storage.cacheSet({
      key,
      value: JSON.stringify(set),
      ttlMs: Math.max(options.minIntervalMs, lastExpiry - now()),
      now: now(),
    })
    await storage.cacheDelete({ key: failedKey })
    return set
  }

  /** Downloads if this instance wins the interval's lease; `null` when another one holds it. */
  function downloadOnce(): Promise<CertificateSet | null> {
    inflight ??= (async () => {
      const { stored } = await storage.cacheSet({
        key: leaseKey,
        value: randomBytes(9).toString('base64url'),
        ttlMs: options.minIntervalMs,
        now: now(),
        ifAbsent: true,
      })
      return stored ? download() : null
    })().finally(() => {
      inflight = null
    })
    return inflight
  }

  /** First start: nothing cached. One instance downloads; the others wait for its result. */
  async function bootstrap(): Promise<CertificateSet> {
    const deadline = Date.now() + options.deadlineMs
    for (;;) {
      const set = (await downloadOnce()) ?? (await read())
      if (set) return set
      const failed = (await storage.cacheGet({ key: failedKey, now: now() })) !== null
      if (failed || Date.now() >= deadline) {
        throw wechatError(
          'provider_unavailable',
          'No WeChat Pay platform certificate yet: another instance is downloading them, or the last download failed less than `minIntervalMs` ago.',
          { retryable: true },
        )
      }
      await sleep(50)
    }
  }

  function due(set: CertificateSet): boolean {
    const age = now() - set.fetchedAt
    const newest = Math.max(...set.certificates.map((c) => c.expireAt))
    // Near the end of the newest certificate WeChat is about to hand out its successor: look hourly.
    const interval =
      newest - now() <= options.refreshBeforeExpiryMs
        ? Math.min(options.refreshIntervalMs, 3_600_000)
        : options.refreshIntervalMs
    return age >= interval
  }

  async function current(): Promise<CertificateSet> {
    const set = (await read()) ?? (await bootstrap())
    if (due(set)) {
      // Callbacks do not wait for a scheduled refresh; a failure is retried after the interval.
      downloadOnce().catch(() => {})
    }
    return set
  }

  return {
    async verifiers() {
      const set = await current()
      return verifiersOf({ configured: options.configured, set, now: now() })
    },
    async refreshForUnknownSerial() {
      const set = (await downloadOnce().catch(() => null)) ?? (await read())
      return verifiersOf({ configured: options.configured, set, now: now() })
    },
    async refresh() {
      const set = (await downloadOnce()) ?? (await read())
      return set?.certificates.filter((c) => c.expireAt > now()) ?? []
    },
    async list() {
      return (await read())?.certificates.filter((c) => c.expireAt > now()) ?? []
    },
  }
}
