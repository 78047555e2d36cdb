import { createLoop } from '@loopkit/core'
import { consoleMessaging, memoryStorage, sandboxIdentity } from '@loopkit/core/dev'
import { referralRewards } from '@loopkit/core/plugins'
import { type AlipaySimulator, alipaySimulator, startSimulatorServer } from '@loopkit/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browser, sandboxLogin } from '../../core/test/_browser.js'
import { alipayPayments } from '../src/index.js'

// The foundation's whole-loop test with Alipay as the payment provider: every gateway call goes over
// loopback to the simulator, the buyer pays on the simulated cashier, and Alipay's form notifications
// come back to the loop over HTTP, answered with `success`.

const duck = {
  id: 'duck',
  title: '盐水鸭',
  description: 'Nanjing salted duck',
  imageUrl: null,
  price: 8800,
  currency: 'CNY',
  stock: 10,
  active: true,
}

let sim: AlipaySimulator
let shop: Awaited<ReturnType<typeof startSimulatorServer>>
let loop: ReturnType<typeof createLoop>
const sent: { to: string; text: string }[] = []
const rewardsSeen: string[] = []

beforeAll(async () => {
  sim = await alipaySimulator()
  let handler: (req: Request) => Promise<Response> = async () => new Response(null, { status: 503 })
  shop = await startSimulatorServer({ handlers: [(req) => handler(req)] })
  loop = createLoop({
    secret: 'alipay-whole-loop-secret-0123456789abcdef',
    baseUrl: `${shop.url}/loop`,
    storage: memoryStorage(),
    now: sim.now,
    payments: [alipayPayments(sim.adapterOptions())],
    identity: [sandboxIdentity()],
    messaging: [
      consoleMessaging({
        log: (line: string) => void sent.push({ to: line.split(' ')[0] ?? '', text: line }),
      }),
    ],
    plugins: [referralRewards({ reward: { type: 'fixed', amount: 500 } })],
  })
  loop.on('reward.accrued', (e) => rewardsSeen.push(e.data.sharerId))
  handler = (req) => loop.fetch(req)
  await loop.catalog.put(duck)
})

afterAll(async () => {
  await shop?.close()
  await sim?.close()
})

/** A browser on the shop's origin over real HTTP. */
const shopper = () => browser((req) => fetch(req, { redirect: 'manual' }), shop.url)

async function checkout(b: ReturnType<typeof shopper>, method: 'wap' | 'qr') {
  const res = await b.request('/loop/checkout', {
    method: 'POST',
    json: { method, lines: [{ skuId: 'duck', quantity: 1 }], returnUrl: `${shop.url}/thanks` },
  })
  expect(res.status).toBe(201)
  return (await res.json()) as {
    order: { id: string; number: string; provider: string }
    action: { type: string; url?: string; codeUrl?: string }
  }
}

describe('the whole loop with Alipay against the simulator', () => {
  it('A pays on the mobile cashier → notified → shares; B opens it, pays by QR, is attributed to A; one reward; a partial refund', async () => {
    const a = shopper()
    await sandboxLogin(a, 'alice')
    const { order: orderA, action } = await checkout(a, 'wap')
    expect(orderA.provider).toBe('alipay')
    expect(action.type).toBe('redirect')
    expect(action.url!.startsWith(sim.gateway())).toBe(true)
    // The buyer's browser lands on Alipay's cashier and presses pay; Alipay posts the notification.
    const cashier = await fetch(action.url!)
    expect(cashier.status).toBe(200)
    const payLink = /href="([^"]+)"/.exec(await cashier.text())![1]!
    const paid = await fetch(new URL(payLink, sim.url), { redirect: 'manual' })
    expect(paid.status).toBe(302)
    expect(paid.headers.get('location')).toBe(`${shop.url}/thanks`)
    await sim.idle()
    expect(sim.deliveries.at(-1)).toMatchObject({ outTradeNo: orderA.number, status: 200, acked: true })
    const viewA = (await (await a.request(`/loop/orders/${orderA.id}`)).json()) as {
      order: { status: string }
    }
    expect(viewA.order.status).toBe('paid')

    await loop.notify.dispatch()
    expect(sent.some((m) => m.text.includes('88.00'))).toBe(true)

    const share = (await (
      await a.request('/loop/shares', { method: 'POST', json: { skuId: 'duck', channel: 'alipay' } })
    ).json()) as {
      link: string
      token: string
    }
    const b = shopper()
    expect((await b.request(new URL(share.link).pathname)).status).toBe(302)
    await sandboxLogin(b, 'bob', `returnTo=/&share=${share.token}`)
    const { order: orderB, action: qr } = await checkout(b, 'qr')
    expect(qr.type).toBe('qr')
    // Bob scans the code with the Alipay app and pays.
    expect((await fetch(qr.codeUrl!)).status).toBe(200)
    await sim.idle()

    const alice = (await loop.orders.get(orderA.id))!.customerId
    expect(await loop.orders.get(orderB.id)).toMatchObject({
      status: 'paid',
      attribution: { sharerId: alice },
    })
    expect(await loop.rewards.list({ sharerId: alice })).toEqual([
      expect.objectContaining({ orderId: orderB.id }),
    ])
    expect(rewardsSeen).toEqual([alice])

    const refund = await loop.refunds.create({ orderId: orderB.id, amount: 4400, reason: '少了一只鸭腿' })
    expect(refund.status).toBe('succeeded')
    await sim.idle()
    // Alipay's refund notice (out_biz_no) is verified, queried back, and acknowledged as a duplicate.
    expect(sim.deliveries.at(-1)).toMatchObject({
      outTradeNo: orderB.number,
      tradeStatus: 'TRADE_SUCCESS',
      acked: true,
    })
    expect(await loop.orders.get(orderB.id)).toMatchObject({ status: 'partially_refunded', refunded: 4400 })
    expect(sim.trade(orderB.number)).toMatchObject({ trade_status: 'TRADE_SUCCESS' })
    expect((await loop.analytics.events({ types: ['order.paid'] })).length).toBe(2)
  })
})
