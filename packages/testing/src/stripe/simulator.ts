import { randomBytes } from 'node:crypto'
import { createSimulatorClock } from '../wechat/clock.js'
import { type SimulatorHandler, startSimulatorServer } from '../wechat/server.js'
import { handleApi, type StripeFault, type StripeRequestRecord } from './api.js'
import { createBuyer } from './buyer.js'
import { createIdempotencyStore } from './idempotency.js'
import { eventEnvelope, type StripeObject } from './objects.js'
import { publicIntent, publicSession, type StripeState } from './routes.js'
import { createWebhookSender, type StripeDelivery, stripeSignatureHeader } from './webhooks.js'

/** Options of {@link stripeSimulator}. */
export interface StripeSimulatorOptions {
  /** Simulated start time (ms); defaults to now. */
  start?: number
  /** Simulated ms per real ms; `0` freezes time so only `advance()` moves it. Default 1. */
  timeScale?: number
  /** The API key the simulator accepts; generated (`sk_test_…`) when absent. */
  secretKey?: string
  /** The endpoint signing secret; generated (`whsec_…`) when absent. */
  webhookSecret?: string
  /** Where events are POSTed (the loop's `/webhooks/stripe`); settable later with `setWebhookUrl`. */
  webhookUrl?: string
  /** Simulated ms until a pending (Alipay, WeChat Pay) refund succeeds; default 5000. */
  refundDelayMs?: number
  /** Real ms to wait for the endpoint's answer; default 5000. */
  webhookTimeoutMs?: number
}

const random = (n: number) => randomBytes(n).toString('base64url').replace(/[-_]/g, 'x')

/**
 * A Stripe API server on loopback (`127.0.0.1`, random port) for tests and demos: enough of the
 * REST API for `@loopkit/stripe` through the official SDK (Checkout Sessions, PaymentIntents with
 * search, refunds; form-encoded bodies, `Bearer` keys checked, `Idempotency-Key` honoured, Stripe's
 * error envelope), a "buyer pays" action, and signed webhook delivery with retries on non-2xx
 * (compressible with `timeScale`/`advance`), no ordering guarantee, and secret rotation.
 *
 * @example
 * ```ts
 * const sim = await stripeSimulator({ timeScale: 0, webhookUrl: 'http://127.0.0.1:8787/loop/webhooks/stripe' })
 * const payments = stripePayments(sim.adapterOptions())
 * // … checkout, then the buyer pays:
 * await sim.pay({ orderNumber: order.number })
 * await sim.close()
 * ```
 */
export async function stripeSimulator(options: StripeSimulatorOptions = {}) {
  const clock = createSimulatorClock({
    ...(options.start !== undefined ? { start: options.start } : {}),
    timeScale: options.timeScale ?? 1,
  })
  const secretKey = options.secretKey ?? `sk_test_${random(32)}`
  let secrets: { secret: string; until: number }[] = [
    { secret: options.webhookSecret ?? `whsec_${random(32)}`, until: Number.POSITIVE_INFINITY },
  ]
  const activeSecrets = () => secrets.filter((s) => s.until > clock.now()).map((s) => s.secret)
  let webhookUrl = options.webhookUrl ?? null
  let url = ''
  const deliveries: StripeDelivery[] = []
  const events: StripeObject[] = []
  const requests: StripeRequestRecord[] = []
  const faults: StripeFault[] = []
  const sender = createWebhookSender({
    clock,
    url: () => webhookUrl,
    secrets: activeSecrets,
    log: deliveries,
    timeoutMs: options.webhookTimeoutMs ?? 5000,
  })

  const envelope = (items: { type: string; object: StripeObject }[]) => {
    const made = items.map(({ type, object }) => eventEnvelope(type, object, clock.now()))
    events.push(...made)
    return made
  }

  const state: StripeState = {
    now: clock.now,
    baseUrl: () => url,
    sessions: new Map(),
    intents: new Map(),
    charges: new Map(),
    refunds: new Map(),
    emit: (items) => {
      const made = envelope(items)
      // Sent after the API answer, like Stripe; `idle()` awaits it.
      clock.schedule(clock.now(), async () => void (await sender.send(made)))
    },
    onPendingRefund: (refund) =>
      clock.schedule(clock.now() + (options.refundDelayMs ?? 5000), async () => {
        await settleRefund({ refundId: refund.id })
      }),
  }
  const idempotency = createIdempotencyStore(clock.now)

  const buyer = createBuyer({ state, clock, sender, envelope })
  const { pay, settleRefund, buyerPages } = buyer
  const api: SimulatorHandler = async (req, ctx) =>
    new URL(req.url).pathname.startsWith('/v1/')
      ? handleApi({ state, secretKey, idempotency, faults, requests, req, body: ctx.body })
      : null

  const server = await startSimulatorServer({ handlers: [api, buyerPages] })
  url = server.url

  return {
    url,
    secretKey,
    clock,
    now: clock.now,
    advance: clock.advance,
    idle: clock.idle,
    /** The newest signing secret (what a rotated endpoint shows in the dashboard). */
    get webhookSecret() {
      return secrets[0]!.secret
    },
    /** Every secret that signs deliveries now (new first). */
    webhookSecrets: activeSecrets,
    /** `stripePayments()` options that talk to this simulator: only the API location differs from production. */
    adapterOptions() {
      return { secretKey, webhookSecret: activeSecrets(), apiBase: url, now: clock.now }
    },
    setWebhookUrl(next: string | null) {
      webhookUrl = next
    },
    /**
     * Rolls the endpoint secret like the dashboard's "Roll secret": a new secret signs from now on and
     * the old one keeps signing alongside (two `v1`s) until `expireOldAfterMs` (default 24 h) passes.
     */
    rotateWebhookSecret(input: { expireOldAfterMs?: number } = {}) {
      const until = clock.now() + (input.expireOldAfterMs ?? 86_400_000)
      secrets = [
        { secret: `whsec_${random(32)}`, until: Number.POSITIVE_INFINITY },
        ...secrets.map((s) => ({ ...s, until: Math.min(s.until, until) })),
      ]
      return secrets[0]!.secret
    },
    pay,
    /** Settles a pending refund now (default `succeeded`) and delivers `refund.updated` (+ `charge.refunded`). */
    settleRefund,
    /**
     * An event envelope around `object`, recorded but not sent; sign it with {@link signWebhook} to
     * post it yourself (amount-mismatch and forgery tests).
     */
    event: (type: string, object: StripeObject) => envelope([{ type, object }])[0]!,
    /** Signs a body exactly as a delivery is signed (now, or at `timestamp` in unix seconds). */
    signWebhook(input: { body: string | Uint8Array; timestamp?: number; secrets?: readonly string[] }) {
      const body = typeof input.body === 'string' ? new TextEncoder().encode(input.body) : input.body
      const header = stripeSignatureHeader({
        body,
        timestamp: input.timestamp ?? Math.floor(clock.now() / 1000),
        secrets: input.secrets ?? activeSecrets(),
      })
      return {
        body,
        headers: new Headers({ 'content-type': 'application/json', 'stripe-signature': header }),
      }
    },
    /** Answer the next matching API request(s) with this Stripe error. */
    failNext(input: {
      status: number
      type?: string
      code?: string
      message?: string
      path?: string | RegExp
      times?: number
    }) {
      faults.push({
        status: input.status,
        type: input.type ?? (input.status >= 500 ? 'api_error' : 'invalid_request_error'),
        ...(input.code ? { code: input.code } : {}),
        message: input.message ?? 'Simulated failure.',
        path: input.path ?? null,
        times: input.times ?? 1,
      })
    },
    session: (id: string) => (state.sessions.has(id) ? publicSession(state.sessions.get(id)!) : null),
    paymentIntent: (id: string) => (state.intents.has(id) ? publicIntent(state.intents.get(id)!) : null),
    refund: (id: string) => (state.refunds.has(id) ? structuredClone(state.refunds.get(id)!) : null),
    refunds: () => [...state.refunds.values()].map((r) => structuredClone(r)),
    /** Every event made so far (envelopes, as delivered). */
    events: events as readonly StripeObject[],
    /** Every webhook POST so far. */
    deliveries: deliveries as readonly StripeDelivery[],
    /** Every API request so far. */
    requests: requests as readonly StripeRequestRecord[],
    /** Event ids that exhausted the retry schedule without a 2xx. */
    exhausted: sender.exhausted as readonly string[],
    async close() {
      clock.stop()
      await server.close()
    },
  }
}

/** A running simulator, as {@link stripeSimulator} resolves it. */
export type StripeSimulator = Awaited<ReturnType<typeof stripeSimulator>>
