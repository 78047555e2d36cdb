import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Customer } from '@loopkit/core'

/** A buyer for adapter-level tests (Stripe needs no provider identity). */
export const buyer: Customer = {
  id: 'cus_stripe_contract',
  identities: [{ provider: 'sandbox', subject: 'stripe-buyer' }],
  displayName: null,
  avatarUrl: null,
  tags: [],
  consents: [],
  referredBy: null,
  followedAt: null,
  unfollowedAt: null,
  lastInteractionAt: null,
  timeZone: null,
  createdAt: 0,
  updatedAt: 0,
}

/** A merchant endpoint on loopback that acknowledges every POST with 204 (the suite parses the bytes). */
export async function ackingEndpoint(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(async (req, res) => {
    for await (const _ of req) {
      // drain
    }
    res.writeHead(204).end()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/loop/webhooks/stripe`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}
