// The published payment-adapter contract, unchanged, for alipayPayments against the loopback simulator.
import { type AlipaySimulator, alipaySimulator, testPaymentAdapter } from '@loopkit/testing'
import { afterAll, beforeAll } from 'vitest'
import { alipayPayments } from '../src/index.js'
import { customer, forgeSign, notifyReceiver, openingPaymentPage } from './harness.js'

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

for (const method of ['qr', 'wap', 'page', 'app'] as const) {
  testPaymentAdapter({
    name: `alipay ${method} (simulator)`,
    setup: async () => ({
      adapter: openingPaymentPage(alipayPayments(sim.adapterOptions()), sim.gateway()),
      customer,
      method,
      notifyUrl: receiver.url,
      now: sim.now,
      payOrder: async ({ orderNumber }) => {
        const { notifyId } = await sim.pay({ outTradeNo: orderNumber })
        const webhook = notifyId ? receiver.captured.get(notifyId) : undefined
        if (!webhook) throw new Error(`no notification captured for ${orderNumber}`)
        return webhook
      },
      forgeSignature: forgeSign,
    }),
  })
}
