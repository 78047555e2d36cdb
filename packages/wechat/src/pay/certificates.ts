import { downloadPlatformCertificates } from './certificate-download.js'
import { type CertificateStore, createCertificateStore } from './certificate-store.js'
import type { PayClient } from './client.js'
import type { ResolvedOptions } from './options.js'

export type { PlatformCertificate } from './certificate-download.js'
export type { CertificateStore } from './certificate-store.js'

/**
 * The platform-certificate store of one `wechatPayments()` adapter: certificates downloaded with
 * the adapter's signed client, checked, and cached under the merchant's ID in the loop's storage,
 * so every instance of the app (and every adapter of the same merchant) shares one set.
 *
 * @example
 * ```ts
 * const store = platformCertificateStore(resolved, client)
 * const verifiers = await store.verifiers() // configured keys + certificates valid now
 * ```
 */
export function platformCertificateStore(
  options: ResolvedOptions,
  client: PayClient,
): CertificateStore | null {
  const config = options.platformCertificates
  if (!config) return null
  return createCertificateStore({
    storage: config.storage,
    key: `loopkit:wechat-pay:${options.mchid}:platform-certificates`,
    now: options.now,
    configured: options.verifiers,
    refreshIntervalMs: config.refreshIntervalMs,
    refreshBeforeExpiryMs: config.refreshBeforeExpiryMs,
    minIntervalMs: config.minIntervalMs,
    deadlineMs: config.deadlineMs,
    download: ({ trusted, signal }) =>
      downloadPlatformCertificates({
        client,
        apiV3Key: options.apiV3Key,
        trusted: () => trusted,
        now: options.now,
        signal,
      }),
  })
}
