// The published messaging contract, run unchanged against webhookMessaging and a real endpoint.
import type { Customer, RenderedMessage } from '@loopkit/core'
import { testMessagingAdapter } from '@loopkit/testing'
import { webhookMessaging } from '../src/index.js'
import { type Receiver, startReceiver } from './receiver.js'

const SECRET = 'receiver-secret-receiver-secret-0001'

const customer: Customer = {
  id: 'cus_contract',
  identities: [{ provider: 'sandbox', subject: 'ann' }],
  displayName: 'Ann',
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

const message: RenderedMessage = {
  topic: 'order.paid',
  title: 'Payment received',
  body: 'We received ¥88.00 for order 20261125080501aZ3kP9qLm2.',
  url: 'https://shop.example/orders/ord_1',
  fields: { orderNumber: '20261125080501aZ3kP9qLm2', amount: '¥88.00' },
}

let receiver: Receiver | null = null

testMessagingAdapter({
  name: 'webhookMessaging',
  setup: async () => {
    const r = await startReceiver(SECRET)
    receiver = r
    return {
      adapter: webhookMessaging({ url: r.url, secret: SECRET, retryDelayMs: 10 }),
      customer,
      message,
      inbox: async () => r.inbox,
      // A body longer than the channel's 4000 characters.
      invalidMessage: { ...message, body: 'x'.repeat(4001) },
      // The endpoint drops a repeated Idempotency-Key, which the adapter sets to the dedupe key.
      dedupes: true,
    }
  },
  teardown: async () => {
    await receiver?.close()
    receiver = null
  },
})
