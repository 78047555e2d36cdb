// The published payment-adapter contract, unchanged, run for stripePayments against the loopback
// simulator through the official SDK — once per way of paying.
import { type StripeSimulator, stripeSimulator, testPaymentAdapter } from '@loopkit/testing'
import { afterAll, beforeAll } from 'vitest'
import { stripePayments } from '../src/index.js'
import { ackingEndpoint, buyer } from './harness.js'

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

const paymentEvent = {
  checkout: 'checkout.session.completed',
  card: 'payment_intent.succeeded',
  alipay: 'payment_intent.succeeded',
  wechat_pay: 'payment_intent.succeeded',
} as const

for (const method of ['checkout', 'card', 'alipay', 'wechat_pay'] as const) {
  testPaymentAdapter({
    name: `stripe ${method} (simulator)`,
    setup: async () => ({
      adapter: stripePayments(sim.adapterOptions()),
      customer: buyer,
      method,
      currency: 'USD',
      notifyUrl: endpoint.url,
      now: sim.now,
      payOrder: async ({ orderNumber }) => {
        const { events } = await sim.pay({ orderNumber })
        const id = events.find((e) => e.type === paymentEvent[method])?.id
        const delivery = sim.deliveries.find((d) => d.eventId === id && d.acked)
        if (!delivery) throw new Error(`no ${paymentEvent[method]} delivered for ${orderNumber}`)
        return { body: delivery.body, headers: new Headers(delivery.headers) }
      },
    }),
  })
}
