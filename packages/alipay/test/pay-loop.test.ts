// Alipay's delivery behaviour against a real loop over HTTP: concurrent and repeated copies apply
// once; a loop that is down is retried on Alipay's schedule until it answers `success`.
import { createLoop } from '@loopkit/core'
import { memoryStorage, sandboxIdentity } from '@loopkit/core/dev'
import { type AlipaySimulator, alipaySimulator, startSimulatorServer } from '@loopkit/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { alipayPayments } from '../src/index.js'

let sim: AlipaySimulator
let shop: Awaited<ReturnType<typeof startSimulatorServer>>
let loop: ReturnType<typeof createLoop>
let down = false

beforeAll(async () => {
  sim = await alipaySimulator({ timeScale: 0 })
  shop = await startSimulatorServer({
    handlers: [async (req) => (down ? new Response('maintenance', { status: 503 }) : loop.fetch(req))],
  })
  loop = createLoop({
    secret: 'alipay-loop-secret-0123456789abcdefghij',
    baseUrl: `${shop.url}/loop`,
    storage: memoryStorage(),
    payments: [alipayPayments(sim.adapterOptions())],
    identity: [sandboxIdentity()],
    now: sim.now,
  })
  await loop.catalog.put({
    id: 'duck',
    title: '盐水鸭',
    description: null,
    imageUrl: null,
    price: 8800,
    currency: 'CNY',
    stock: 10,
    active: true,
  })
})
afterAll(async () => {
  await shop?.close()
  await sim?.close()
})

async function pendingOrder(name: string) {
  const { customer } = await loop.customers.login({ profile: { provider: 'sandbox', subject: name } })
  const { order } = await loop.checkout({
    customerId: customer.id,
    lines: [{ skuId: 'duck', quantity: 1 }],
    method: 'qr',
  })
  return order
}

const paidEvents = async (orderId: string) =>
  (await loop.analytics.events({ types: ['order.paid'] })).filter((e) => e.orderId === orderId).length

describe('Alipay notifications into a loop over HTTP', () => {
  it('four concurrent copies and two repeats of one notification pay the order once, all answered success', async () => {
    const order = await pendingOrder('erin')
    const { deliveries } = await sim.pay({ outTradeNo: order.number, concurrent: 4, duplicates: 2 })
    expect(deliveries).toHaveLength(6)
    expect(deliveries.every((d) => d.acked)).toBe(true)
    expect((await loop.orders.get(order.id))?.status).toBe('paid')
    expect(await paidEvents(order.id)).toBe(1)
  })

  it('a loop that is down is retried after 4 and 10 minutes; the first `success` ends it', async () => {
    const order = await pendingOrder('fay')
    down = true
    const { notifyId, deliveries } = await sim.pay({ outTradeNo: order.number })
    expect(deliveries.map((d) => [d.status, d.acked])).toEqual([[503, false]])
    await sim.advance(4 * 60_000)
    down = false
    await sim.advance(10 * 60_000)
    const mine = sim.deliveries.filter((d) => d.notifyId === notifyId)
    expect(mine.map((d) => [d.attempt, d.status, d.acked])).toEqual([
      [0, 503, false],
      [1, 503, false],
      [2, 200, true],
    ])
    expect((await loop.orders.get(order.id))?.status).toBe('paid')
    await sim.advance(24 * 3_600_000)
    expect(sim.deliveries.filter((d) => d.notifyId === notifyId)).toHaveLength(3)
  })
})
