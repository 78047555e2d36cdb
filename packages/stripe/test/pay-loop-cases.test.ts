// The shared loop-level payment cases (duplicates, late payments, a refund notice before the payment
// notice, amount mismatch) for stripePayments, against the simulator.
import {
  type RawWebhook,
  type StripeSimulator,
  stripeSimulator,
  testPaymentLoopCases,
} from '@loopkit/testing'
import { afterAll, beforeAll } from 'vitest'
import { stripePayments } from '../src/index.js'
import { ackingEndpoint } from './harness.js'

let sim: StripeSimulator
let endpoint: Awaited<ReturnType<typeof ackingEndpoint>>

beforeAll(async () => {
  endpoint = await ackingEndpoint()
  sim = await stripeSimulator({ timeScale: 0, webhookUrl: endpoint.url })
})
afterAll(async () => {
  await sim?.close()
  await endpoint?.close()
})

const signed = (event: object): RawWebhook => sim.signWebhook({ body: JSON.stringify(event) })

for (const method of ['checkout', 'card', 'alipay'] as const) {
  const paymentType = method === 'checkout' ? 'checkout.session.completed' : 'payment_intent.succeeded'
  const paymentEvent = (orderNumber: string) => {
    const e = sim.events.find(
      (x) =>
        x.type === paymentType &&
        (x.data.object.client_reference_id === orderNumber ||
          x.data.object.metadata?.loopkit_order === orderNumber),
    )
    if (!e) throw new Error(`no ${paymentType} for ${orderNumber}`)
    return e
  }
  testPaymentLoopCases({
    name: `stripe ${method} (simulator)`,
    setup: async () => ({
      adapter: stripePayments({ ...sim.adapterOptions(), returnUrl: 'https://shop.example/thanks' }),
      method,
      currency: 'USD',
      now: sim.now,
      payOrder: async ({ orderNumber }) => {
        await sim.pay({ orderNumber, deliver: false })
        return signed(paymentEvent(orderNumber))
      },
      paidWebhookWithAmount: async ({ orderNumber, amount }) => {
        const e = paymentEvent(orderNumber)
        const field = method === 'checkout' ? 'amount_total' : 'amount_received'
        return signed(sim.event(e.type, { ...e.data.object, [field]: amount }))
      },
      refundWebhook: async ({ refundNumber }) => {
        const refund = sim.refunds().find((r) => r.metadata.loopkit_refund === refundNumber)
        if (!refund) throw new Error(`no refund ${refundNumber}`)
        if (refund.status === 'pending') {
          const { events } = await sim.settleRefund({ refundId: refund.id, deliver: false })
          return signed(events.find((e) => e.type === 'refund.updated')!)
        }
        return signed(
          [...sim.events]
            .reverse()
            .find((e) => e.type === 'refund.created' && e.data.object.id === refund.id)!,
        )
      },
    }),
  })
}
