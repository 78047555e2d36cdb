import { createLoop } from '@loopkit/core'
import { memoryStorage, sandboxIdentity } from '@loopkit/core/dev'
import { type StripeSimulator, startSimulatorServer, stripeSimulator } from '@loopkit/testing'
import { stripePayments } from '../src/index.js'

/**
 * A loop served over loopback HTTP (`loop.fetch`) with `stripePayments()` pointed at a simulator that
 * posts its webhooks to the loop's `/webhooks/stripe`. `failWebhooks(n)` makes the next n webhook
 * POSTs answer 503 before the loop sees them, as a deploy or an outage would.
 */
export async function stripeLoop(
  input: { ttlMs?: number; stock?: number; currency?: string; price?: number } = {},
) {
  const sim: StripeSimulator = await stripeSimulator({ timeScale: 0 })
  let failing = 0
  let handler: (req: Request) => Promise<Response> = async () => new Response(null, { status: 503 })
  const shop = await startSimulatorServer({
    handlers: [
      async (req) => {
        if (failing > 0 && new URL(req.url).pathname.endsWith('/webhooks/stripe')) {
          failing--
          return new Response('deploying', { status: 503 })
        }
        return handler(req)
      },
    ],
  })
  const loop = createLoop({
    secret: 'stripe-loop-secret-stripe-loop-secret-01',
    baseUrl: `${shop.url}/loop`,
    storage: memoryStorage(),
    now: sim.now,
    payments: [stripePayments({ ...sim.adapterOptions(), returnUrl: 'https://shop.example/thanks' })],
    identity: [sandboxIdentity()],
    ...(input.ttlMs ? { orders: { ttlMs: input.ttlMs } } : {}),
  })
  handler = (req) => loop.fetch(req)
  sim.setWebhookUrl(`${shop.url}/loop/webhooks/stripe`)
  await loop.catalog.put({
    id: 'duck',
    title: 'Nanjing salted duck',
    description: null,
    imageUrl: null,
    price: input.price ?? 8800,
    currency: input.currency ?? 'USD',
    stock: input.stock ?? 10,
    active: true,
  })
  const { customer } = await loop.customers.login({
    profile: { provider: 'sandbox', subject: 'stripe-loop-buyer' },
  })
  return {
    sim,
    loop,
    shop,
    customer,
    failWebhooks(n: number) {
      failing = n
    },
    checkout: (method = 'checkout', quantity = 1) =>
      loop.checkout({
        customerId: customer.id,
        lines: [{ skuId: 'duck', quantity }],
        provider: 'stripe',
        method,
      }),
    /** POSTs raw bytes to the loop's webhook route over HTTP, as Stripe would. */
    post: (webhook: { body: Uint8Array; headers: Headers }) =>
      fetch(`${shop.url}/loop/webhooks/stripe`, {
        method: 'POST',
        headers: webhook.headers,
        body: new Uint8Array(webhook.body),
      }),
    async close() {
      await loop.close()
      await shop.close()
      await sim.close()
    },
  }
}
