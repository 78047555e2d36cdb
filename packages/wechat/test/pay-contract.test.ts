// The published payment-adapter contract, run for wechatPayments against the loopback simulator.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Customer } from '@loopkit/core'
import { type RawWebhook, testPaymentAdapter, type WechatSimulator, wechatSimulator } from '@loopkit/testing'
import { afterAll, beforeAll } from 'vitest'
import { wechatPayments } from '../src/index.js'

let sim: WechatSimulator
let notifyUrl: string
let closeReceiver: () => Promise<void>
// The merchant endpoint captures what WeChat posts (raw bytes) and ACKs; the suite parses it.
const captured = new Map<string, RawWebhook>()

const customer: Customer = {
  id: 'cus_contract',
  identities: [{ provider: 'wechat', subject: 'oContractBuyer0000000000000' }],
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

beforeAll(async () => {
  sim = await wechatSimulator({ timeScale: 0, pay: { allowInsecureNotifyUrl: true } })
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const headers = new Headers(Object.entries(req.headers).map(([k, v]): [string, string] => [k, String(v)]))
    const body = new Uint8Array(Buffer.concat(chunks))
    const event = JSON.parse(Buffer.from(body).toString()) as { id: string }
    captured.set(event.id, { body, headers })
    res.writeHead(204).end()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  notifyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/loop/webhooks/wechat`
  closeReceiver = () => new Promise<void>((r) => server.close(() => r()))
})
afterAll(async () => {
  await closeReceiver?.()
  await sim?.close()
})

for (const method of ['jsapi', 'native'] as const) {
  testPaymentAdapter({
    name: `wechat ${method} (simulator)`,
    setup: async () => ({
      adapter: wechatPayments(sim.pay.adapterOptions()),
      customer,
      method,
      notifyUrl,
      now: sim.now,
      payOrder: async ({ orderNumber }) => {
        const { eventId } = await sim.pay.payOrder({ outTradeNo: orderNumber })
        const webhook = eventId ? captured.get(eventId) : undefined
        if (!webhook) throw new Error(`no callback captured for ${orderNumber}`)
        return webhook
      },
      // 429 FREQUENCY_LIMITED, as in a flash sale: the adapter does not retry it, so one fault fails one call.
      failNext: ({ operation }) =>
        sim.pay.failNext({
          status: 429,
          code: 'FREQUENCY_LIMITED',
          path: operation === 'refund' ? '/v3/refund/domestic/refunds' : '/v3/pay/transactions/',
        }),
      settleRefund: async ({ refundNumber }) => {
        await sim.pay.settleRefund({ outRefundNo: refundNumber })
      },
    }),
  })
}
