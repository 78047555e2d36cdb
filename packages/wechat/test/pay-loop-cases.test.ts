// The shared loop-level payment cases for wechatPayments (Native), against the simulator.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  type RawWebhook,
  testPaymentLoopCases,
  type WechatSimulator,
  wechatSimulator,
} from '@loopkit/testing'
import { afterAll, beforeAll } from 'vitest'
import { wechatPayments } from '../src/index.js'

let sim: WechatSimulator
let baseUrl: string
let closeReceiver: () => Promise<void>
// WeChat's callbacks are captured (raw bytes) and acknowledged; each test delivers them itself.
const captured = new Map<string, RawWebhook>()

beforeAll(async () => {
  sim = await wechatSimulator({ timeScale: 0, pay: { allowInsecureNotifyUrl: true } })
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const headers = new Headers(Object.entries(req.headers).map(([k, v]): [string, string] => [k, String(v)]))
    const body = new Uint8Array(Buffer.concat(chunks))
    captured.set((JSON.parse(Buffer.from(body).toString()) as { id: string }).id, { body, headers })
    res.writeHead(204).end()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/loop`
  closeReceiver = () => new Promise<void>((r) => server.close(() => r()))
})
afterAll(async () => {
  await closeReceiver?.()
  await sim?.close()
})

function take(eventId: string | null): RawWebhook {
  const webhook = eventId ? captured.get(eventId) : undefined
  if (!webhook) throw new Error(`no callback captured for ${eventId}`)
  return webhook
}

testPaymentLoopCases({
  name: 'wechat native (simulator)',
  setup: async () => ({
    adapter: wechatPayments(sim.pay.adapterOptions()),
    method: 'native',
    baseUrl,
    now: sim.now,
    payOrder: async ({ orderNumber }) => take((await sim.pay.payOrder({ outTradeNo: orderNumber })).eventId),
    refundWebhook: async ({ refundNumber }) =>
      take((await sim.pay.settleRefund({ outRefundNo: refundNumber })).eventId),
  }),
})
