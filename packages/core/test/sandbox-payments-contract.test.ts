// The published payment-adapter contract, run for the sandbox (issue #9 cases included).
import { testPaymentAdapter } from '../../testing/src/index.js'
import { sandboxPayments } from '../src/adapters/sandbox-payments.js'
import type { Customer } from '../src/index.js'

const customer: Customer = {
  id: 'cus_contract',
  identities: [{ provider: 'sandbox', subject: 'contract-buyer' }],
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

testPaymentAdapter({
  name: 'sandbox',
  setup: async () => {
    const adapter = sandboxPayments()
    return {
      adapter,
      customer,
      notifyUrl: 'http://shop.test/loop/webhooks/sandbox',
      payOrder: async ({ orderNumber }) => {
        const request = await adapter.pay({ orderNumber })
        return {
          body: new Uint8Array(await request.arrayBuffer()),
          headers: request.headers,
          url: request.url,
        }
      },
      failNext: ({ operation }) => adapter.failNext({ operation }),
    }
  },
})
