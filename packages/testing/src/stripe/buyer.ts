import type { SimulatorClock } from '../wechat/clock.js'
import type { SimulatorHandler } from '../wechat/server.js'
import { newCharge, newPaymentIntent, type StripeObject, stripeId } from './objects.js'
import { publicIntent, publicSession, type StripeState } from './routes.js'
import type { StripeDelivery, StripeDeliveryOptions, WebhookSender } from './webhooks.js'

/** What the buyer does at Stripe in `StripeSimulator.pay`. */
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

/**
 * The buyer's side of the simulator: paying a Checkout Session or a PaymentIntent (objects change as
 * at Stripe and the events are delivered), refunds settling later, and the pages a browser opens.
 */
export function createBuyer(ctx: {
  state: StripeState
  clock: SimulatorClock
  sender: WebhookSender
  envelope: (items: { type: string; object: StripeObject }[]) => StripeObject[]
}) {
  const { state, clock, sender, envelope } = ctx
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

  return { pay, settleRefund, buyerPages }
}
