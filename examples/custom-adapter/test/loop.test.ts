// The adapter inside a real loop: a paid order's notification goes through the outbox, the
// dispatcher and webhookMessaging to the endpoint — and the dispatcher acts on the classification.
import { createLoop } from '@loopkit/core'
import { memoryStorage, sandboxPayments } from '@loopkit/core/dev'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { webhookMessaging } from '../src/index.js'
import { type Receiver, startReceiver } from './receiver.js'

const SECRET = 'receiver-secret-receiver-secret-0001'
let receiver: Receiver
beforeEach(async () => {
  receiver = await startReceiver(SECRET)
})
afterEach(async () => {
  await receiver.close()
})

async function paidOrder() {
  let time = Date.parse('2026-11-25T08:00:00Z')
  const clock = {
    now: () => time,
    advance: (ms: number) => {
      time += ms
    },
  }
  const sandbox = sandboxPayments({ now: clock.now })
  const loop = createLoop({
    secret: 'loop-secret-loop-secret-loop-secret-01',
    baseUrl: 'http://shop.test/loop',
    storage: memoryStorage(),
    payments: [sandbox],
    // One in-call attempt, so the dispatcher's own retry is what the test sees.
    messaging: [webhookMessaging({ url: receiver.url, secret: SECRET, attempts: 1, now: () => Date.now() })],
    now: clock.now,
    onError: () => {},
  })
  // A fresh memory storage: `put` creates the SKU, so its `stock` applies (a later put would keep it).
  await loop.catalog.put({
    id: 'duck',
    title: 'Nanjing salted duck',
    description: null,
    imageUrl: null,
    price: 8800,
    currency: 'CNY',
    stock: 10,
    active: true,
  })
  const { customer } = await loop.customers.login({
    profile: { provider: 'sandbox', subject: 'ann', displayName: 'Ann' },
  })
  const { order } = await loop.checkout({ customerId: customer.id, lines: [{ skuId: 'duck', quantity: 1 }] })
  expect((await loop.fetch(await sandbox.pay({ orderNumber: order.number }))).status).toBe(204)
  return { loop, clock, order, customer }
}

describe('webhookMessaging in a loop', () => {
  it('delivers the order.paid notification once, keyed by the outbox dedupe key', async () => {
    const { loop, order } = await paidOrder()
    expect(await loop.notify.dispatch()).toMatchObject({ sent: 1, retried: 0, dead: 0 })
    expect(await loop.notify.dispatch()).toMatchObject({ claimed: 0 })
    expect(receiver.inbox).toEqual([
      expect.objectContaining({
        id: `order.paid:${order.id}:webhook`,
        to: 'sandbox:ann',
        topic: 'order.paid',
        title: 'Payment received',
      }),
    ])
  })

  it('a retryable failure is retried by the dispatcher after its backoff', async () => {
    const { loop, clock } = await paidOrder()
    receiver.fail(503)
    expect(await loop.notify.dispatch()).toMatchObject({ retried: 1 })
    expect(await loop.notify.dispatch()).toMatchObject({ claimed: 0 }) // not due yet
    clock.advance(60_000)
    expect(await loop.notify.dispatch()).toMatchObject({ sent: 1 })
    expect(receiver.inbox).toHaveLength(1)
  })

  it('a permanent failure is dead-lettered at once', async () => {
    const { loop, customer } = await paidOrder()
    receiver.fail(410)
    expect(await loop.notify.dispatch()).toMatchObject({ dead: 1 })
    const [row] = await loop.notify.list({ customerId: customer.id })
    expect(row).toMatchObject({ status: 'dead', attempts: expect.any(Number) })
    expect(row!.lastError).toMatch(/^recipient_refused/)
    expect(receiver.inbox).toHaveLength(0)
  })
})
