import { createHmac, randomBytes } from 'node:crypto'
import type { SimulatorClock } from '../wechat/clock.js'
import type { StripeObject } from './objects.js'

/**
 * Delays between attempts of an unacknowledged event: exponential backoff up to about three days,
 * as Stripe does in live mode (Stripe publishes the span, not the exact schedule; this one is ours).
 */
export const STRIPE_RETRY_SCHEDULE_MS: readonly number[] = [
  60, 300, 1800, 7200, 18_000, 36_000, 43_200, 43_200, 43_200, 43_200,
].map((s) => s * 1000)

/**
 * `Stripe-Signature` for `body` at `timestamp` (unix seconds): one `v1` per secret, each
 * `hex(HMAC-SHA256(secret, "<t>.<body>"))`, plus a `v0` as test mode sends (verifiers ignore it).
 *
 * @example
 * ```ts
 * stripeSignatureHeader({ body, timestamp: 1700000000, secrets: ['whsec_new', 'whsec_old'] })
 * // 't=1700000000,v1=…,v1=…,v0=…'
 * ```
 */
export function stripeSignatureHeader(input: {
  body: string | Uint8Array
  timestamp: number
  secrets: readonly string[]
  v0?: boolean
}): string {
  const v1 = input.secrets.map(
    (secret) =>
      `v1=${createHmac('sha256', secret).update(`${input.timestamp}.`).update(input.body).digest('hex')}`,
  )
  const v0 = input.v0 === false ? [] : [`v0=${randomBytes(32).toString('hex')}`]
  return [`t=${input.timestamp}`, ...v1, ...v0].join(',')
}

/** One POST of an event to the webhook endpoint. */
export interface StripeDelivery {
  eventId: string
  type: string
  url: string
  /** 0 for the first attempt, n for the n-th retry. */
  attempt: number
  /** `duplicate`: an extra copy after an acknowledgement, as Stripe may send. */
  kind: 'genuine' | 'duplicate'
  /** Simulated time of the POST. */
  at: number
  /** The exact bytes and headers sent. */
  body: Uint8Array
  headers: Record<string, string>
  /** HTTP status, or null when the request failed or timed out. */
  status: number | null
  /** Any 2xx. */
  acked: boolean
  error?: string
}

/** Delivery knobs per action: order of the events it produced, extra copies. */
export interface StripeDeliveryOptions {
  /** Stripe does not guarantee order: `created` (default), `reverse` or `shuffle` the events of one action. */
  order?: 'created' | 'reverse' | 'shuffle'
  /** Extra copies of each event after it was acknowledged. Default 0. */
  duplicates?: number
  /** `false` records the events without posting them. Default true. */
  deliver?: boolean
}

export interface WebhookSender {
  send(events: StripeObject[], options?: StripeDeliveryOptions): Promise<StripeDelivery[]>
  readonly exhausted: string[]
}

export function createWebhookSender(input: {
  clock: SimulatorClock
  url: () => string | null
  secrets: () => string[]
  log: StripeDelivery[]
  timeoutMs: number
}): WebhookSender {
  const exhausted: string[] = []

  async function post(event: StripeObject, attempt: number, kind: StripeDelivery['kind'], url: string) {
    // Each attempt is signed afresh with the time of sending, as Stripe does.
    const body = new TextEncoder().encode(JSON.stringify(event, null, 2))
    const headers = {
      'Content-Type': 'application/json; charset=utf-8',
      'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      'Stripe-Signature': stripeSignatureHeader({
        body,
        timestamp: Math.floor(input.clock.now() / 1000),
        secrets: input.secrets(),
      }),
    }
    const record: StripeDelivery = {
      eventId: event.id,
      type: event.type,
      url,
      attempt,
      kind,
      at: input.clock.now(),
      body,
      headers,
      status: null,
      acked: false,
    }
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(input.timeoutMs),
      })
      await res.arrayBuffer()
      record.status = res.status
      record.acked = res.status >= 200 && res.status < 300
    } catch (e) {
      record.error = (e as Error).message
    }
    input.log.push(record)
    return record
  }

  async function attempt(event: StripeObject, n: number, url: string, duplicates: number) {
    const out = [await post(event, n, 'genuine', url)]
    if (out[0]!.acked) {
      for (let i = 0; i < duplicates; i++) out.push(await post(event, n, 'duplicate', url))
      return out
    }
    const wait = STRIPE_RETRY_SCHEDULE_MS[n]
    if (wait === undefined) exhausted.push(event.id)
    else
      input.clock.schedule(input.clock.now() + wait, async () => void (await attempt(event, n + 1, url, 0)))
    return out
  }

  return {
    async send(events, options = {}) {
      const url = input.url()
      if (!url || options.deliver === false) return []
      const ordered = [...events]
      if (options.order === 'reverse') ordered.reverse()
      if (options.order === 'shuffle') ordered.sort(() => Math.random() - 0.5)
      const out: StripeDelivery[] = []
      for (const event of ordered) out.push(...(await attempt(event, 0, url, options.duplicates ?? 0)))
      return out
    },
    exhausted,
  }
}
