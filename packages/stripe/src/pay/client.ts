import Stripe from 'stripe'
import type { ResolvedOptions } from './options.js'

/**
 * The official SDK with its fetch-based HTTP client (so it runs wherever core runs), a per-request
 * timeout, and retries that are safe because every create carries our own idempotency key.
 */
export function createStripeClient(options: ResolvedOptions): Stripe {
  return new Stripe(options.secretKey, {
    httpClient: Stripe.createFetchHttpClient(options.fetch),
    host: options.api.host,
    port: options.api.port,
    protocol: options.api.protocol,
    timeout: options.timeout,
    maxNetworkRetries: options.maxNetworkRetries,
    telemetry: false,
    appInfo: { name: 'loopkit' },
  })
}
