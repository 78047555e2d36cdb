// The shared loop-level payment cases, run for the sandbox adapter as the reference implementation.
import { sandboxPayments } from '@loopkit/core/dev'
import { type RawWebhook, testPaymentLoopCases } from '@loopkit/testing'

const baseUrl = 'http://shop.test/loop'

async function raw(request: Request): Promise<RawWebhook> {
  return { body: new Uint8Array(await request.arrayBuffer()), headers: request.headers }
}

testPaymentLoopCases({
  name: 'sandbox',
  setup: async () => {
    const sandbox = sandboxPayments()
    return {
      adapter: sandbox,
      baseUrl,
      now: Date.now,
      payOrder: async ({ orderNumber }) => raw(await sandbox.pay({ orderNumber })),
      paidWebhookWithAmount: async ({ orderNumber, amount }) =>
        raw(await sandbox.pay({ orderNumber, amount })),
      // The sandbox sends no refund webhooks: its refunds settle synchronously.
    }
  },
})
