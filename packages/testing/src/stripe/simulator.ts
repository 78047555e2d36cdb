import { randomBytes } from 'node:crypto'
import { createSimulatorClock } from '../wechat/clock.js'
import { type SimulatorHandler, startSimulatorServer } from '../wechat/server.js'
import { handleApi, type StripeFault, type StripeRequestRecord } from './api.js'
import { createIdempotencyStore } from './idempotency.js'
import { eventEnvelope, newCharge, newPaymentIntent, type StripeObject, stripeId } from './objects.js'
import { publicIntent, publicSession, type StripeState } from './routes.js'
import {
  createWebhookSender,
  type StripeDelivery,
  type StripeDeliveryOptions,
  stripeSignatureHeader,
} from './webhooks.js'

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

/** What the buyer does at Stripe in {@link StripeSimulator.pay}. */
export interface StripePayInput extends StripeDeliveryOptions {
  /** Find the open session or PaymentIntent whose `client_reference_id` or metadata holds this value. */
  orderNumber?: string
  sessionId?: string
  paymentIntentId?: string
  /** `failed` declines the attempt (`payment_intent.payment_failed`); default `succeeded`. */
  outcome?: 'succeeded' | 'failed'
  /** The method used in a Checkout Session; default its first allowed one. */
  method?: 'card' | 'alipay' | 'wechat_pay'
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

  function findTarget(input: StripePayInput): { session: StripeObject | null; pi: StripeObject | null } {
    if (input.sessionId) return { session: state.sessions.get(input.sessionId) ?? null, pi: null }
    if (input.paymentIntentId) return { session: null, pi: state.intents.get(input.paymentIntentId) ?? null }
    const n = input.orderNumber
    const holds = (o: StripeObject) =>
      o.client_reference_id === n || Object.values(o.metadata ?? {}).includes(n)
    const session = [...state.sessions.values()].reverse().find((s) => s.status === 'open' && holds(s))
    if (session) return { session, pi: null }
    const pi = [...state.intents.values()]
      .reverse()
      .find((p) => holds(p) && !['succeeded', 'canceled'].includes(p.status))
    return { session: null, pi: pi ?? null }
  }

  /** The buyer pays (or fails to): objects change as at Stripe and the events are delivered. */
  async function pay(input: StripePayInput) {
    const { session } = findTarget(input)
    let { pi } = findTarget(input)
    if (!session && !pi)
      throw new Error(`[loopkit] [stripe-simulator] Nothing payable for ${JSON.stringify(input)}.`)
    let method = input.method
    if (session) {
      if (session.status !== 'open')
        throw new Error(`[loopkit] [stripe-simulator] Session ${session.id} is ${session.status}.`)
      if (clock.now() >= session.expires_at * 1000) {
        session.status = 'expired'
        throw new Error(`[loopkit] [stripe-simulator] Session ${session.id} expired.`)
      }
      method ??= session.payment_method_types[0]
      if (!session.payment_method_types.includes(method))
        throw new Error(`[loopkit] [stripe-simulator] Session ${session.id} does not offer ${method}.`)
      if (!session.payment_intent) {
        const made = newPaymentIntent({
          amount: session.amount_total,
          currency: session.currency,
          methods: session.payment_method_types,
          metadata: session._payment_intent_data.metadata,
          description: session._payment_intent_data.description,
          nowMs: clock.now(),
        })
        state.intents.set(made.id, made)
        session.payment_intent = made.id
      }
      pi = state.intents.get(session.payment_intent)!
    }
    pi = pi!
    if (['succeeded', 'canceled', 'processing'].includes(pi.status))
      throw new Error(`[loopkit] [stripe-simulator] PaymentIntent ${pi.id} is ${pi.status}.`)
    method ??= (
      pi.next_action?.type === 'wechat_pay_display_qr_code'
        ? 'wechat_pay'
        : pi.next_action
          ? 'alipay'
          : 'card'
    ) as 'card' | 'alipay' | 'wechat_pay'
    pi.payment_method ??= stripeId('pm')
    pi.next_action = null
    let made: StripeObject[]
    if (input.outcome === 'failed') {
      pi.status = 'requires_payment_method'
      pi.last_payment_error = {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'generic_decline',
        message: 'Your card was declined.',
      }
      made = envelope([{ type: 'payment_intent.payment_failed', object: pi }])
    } else {
      const charge = newCharge(pi, method, clock.now())
      state.charges.set(charge.id, charge)
      Object.assign(pi, {
        status: 'succeeded',
        amount_received: pi.amount,
        latest_charge: charge.id,
        last_payment_error: null,
      })
      const items = [
        { type: 'charge.succeeded', object: charge },
        { type: 'payment_intent.succeeded', object: publicIntent(pi) },
      ]
      if (session) {
        Object.assign(session, { status: 'complete', payment_status: 'paid' })
        items.push({ type: 'checkout.session.completed', object: publicSession(session) })
      }
      made = envelope(items)
    }
    const sent = await sender.send(made, input)
    return {
      paymentIntentId: pi.id as string,
      sessionId: (session?.id as string) ?? null,
      events: made,
      deliveries: sent,
    }
  }

  async function settleRefund(
    input: { refundId: string; status?: 'succeeded' | 'failed' } & StripeDeliveryOptions,
  ) {
    const refund = state.refunds.get(input.refundId)
    if (!refund) throw new Error(`[loopkit] [stripe-simulator] No refund ${input.refundId}.`)
    if (refund.status !== 'pending')
      return { events: [] as StripeObject[], deliveries: [] as StripeDelivery[] }
    const charge = state.charges.get(refund.charge)!
    refund.status = input.status ?? 'succeeded'
    const items = [{ type: 'refund.updated', object: refund }]
    if (refund.status === 'failed') {
      charge.amount_refunded -= refund.amount
      charge.refunded = false
      refund.failure_reason = 'declined'
    } else items.push({ type: 'charge.refunded', object: charge })
    const made = envelope(items)
    return { events: made, deliveries: await sender.send(made, input) }
  }

  // The buyer's pages: opening the Checkout URL or the Alipay / WeChat Pay authorize URL pays.
  const buyerPages: SimulatorHandler = async (req) => {
    const path = new URL(req.url).pathname
    const m = /^\/_sim\/stripe\/(checkout|authorize)\/([A-Za-z0-9_]+)$/.exec(path)
    if (!m) return null
    try {
      const r = await pay(m[1] === 'checkout' ? { sessionId: m[2]! } : { paymentIntentId: m[2]! })
      const ret: string | undefined = state.intents.get(r.paymentIntentId)?._return_url
      const back =
        m[1] === 'checkout'
          ? state.sessions.get(m[2]!)?.success_url?.replace('{CHECKOUT_SESSION_ID}', m[2]!)
          : ret &&
            `${ret}${ret.includes('?') ? '&' : '?'}payment_intent=${r.paymentIntentId}&redirect_status=succeeded`
      if (back) return new Response(null, { status: 302, headers: { Location: back } })
      return new Response('<!doctype html><p>Paid (simulated Stripe)</p>', {
        headers: { 'Content-Type': 'text/html' },
      })
    } catch (e) {
      return new Response(`<!doctype html><p>${(e as Error).message}</p>`, {
        status: 409,
        headers: { 'Content-Type': 'text/html' },
      })
    }
  }

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
