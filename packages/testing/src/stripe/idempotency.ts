import type { StripeResult } from './errors.js'
import { stripeFailure } from './errors.js'

interface Entry {
  fingerprint: string
  result: StripeResult
  at: number
}

/** Keys are remembered for 24 hours, as at Stripe. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 3_600_000

/**
 * Stripe's `Idempotency-Key` rules: the same key with the same request (method, path and params)
 * replays the first answer — errors included — and the same key with anything else is a 400
 * `idempotency_error`. Keys expire after 24 hours.
 */
export function createIdempotencyStore(now: () => number) {
  const entries = new Map<string, Entry>()
  return {
    async run(
      key: string | null,
      fingerprint: string,
      execute: () => Promise<StripeResult>,
    ): Promise<StripeResult & { replayed?: boolean }> {
      if (!key) return execute()
      const seen = entries.get(key)
      if (seen && now() - seen.at < IDEMPOTENCY_KEY_TTL_MS) {
        if (seen.fingerprint !== fingerprint)
          return stripeFailure(
            400,
            'idempotency_error',
            `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
          )
        return { ...seen.result, replayed: true }
      }
      const result = await execute()
      // A 5xx is not stored, so the client's retry with the same key runs again (Stripe does the same).
      if (result.status < 500) entries.set(key, { fingerprint, result, at: now() })
      return result
    },
  }
}
