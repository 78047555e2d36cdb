// The shared loop-level payment cases (late payment, duplicates, refund before payment, amount
// mismatch) for alipayPayments, against the simulator over loopback HTTP.
import {
  type AlipaySimulator,
  alipaySimulator,
  type RawWebhook,
  testPaymentLoopCases,
} from '@loopkit/testing'
import { afterAll, beforeAll } from 'vitest'
import { alipayPayments, fenToYuan } from '../src/index.js'
import { notifyReceiver } from './harness.js'

let sim: AlipaySimulator
let receiver: Awaited<ReturnType<typeof notifyReceiver>>

beforeAll(async () => {
  sim = await alipaySimulator({ timeScale: 0 })
  receiver = await notifyReceiver()
})
afterAll(async () => {
  await receiver?.close()
  await sim?.close()
})

async function captured(match: (params: URLSearchParams) => boolean): Promise<RawWebhook> {
  for (let i = 0; i < 100; i++) {
    await sim.idle()
    for (const webhook of receiver.captured.values())
      if (match(new URLSearchParams(Buffer.from(webhook.body).toString()))) return webhook
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error('the simulator posted no such notification')
}

testPaymentLoopCases({
  name: 'alipay qr (simulator)',
  setup: async () => ({
    adapter: alipayPayments(sim.adapterOptions()),
    method: 'qr',
    baseUrl: receiver.url.replace(/\/webhooks\/alipay$/, ''),
    now: sim.now,
    payOrder: async ({ orderNumber }) => {
      const { notifyId } = await sim.pay({ outTradeNo: orderNumber })
      return captured((p) => p.get('notify_id') === notifyId)
    },
    refundWebhook: ({ refundNumber }) => captured((p) => p.get('out_biz_no') === refundNumber),
    paidWebhookWithAmount: async ({ orderNumber, amount }) => ({
      body: new TextEncoder().encode(
        sim.notificationBody(orderNumber, `forged-amount-${orderNumber}`, {
          total_amount: fenToYuan(amount),
        }),
      ),
      headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }),
    }),
  }),
})
