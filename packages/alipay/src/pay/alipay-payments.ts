import type { PaymentAdapter } from '@loopkit/core'
import { createGatewayClient } from './client.js'
import { alipayMethods, createAlipayPayment } from './create-payment.js'
import { type AlipayPaymentsOptions, resolveOptions } from './options.js'
import { alipayWebhookResponse, parseAlipayWebhook } from './parse-webhook.js'
import { closeAlipayPayment, queryAlipayPayment } from './query-payment.js'
import { queryAlipayRefund, refundAlipayPayment } from './refund.js'

/** The Alipay adapter: a `PaymentAdapter` whose `queryRefund` is `alipay.trade.fastpay.refund.query`. */
export type AlipayPaymentAdapter = PaymentAdapter & Required<Pick<PaymentAdapter, 'queryRefund'>>

/**
 * Alipay (Open Platform gateway, RSA2) as a Loopkit payment adapter: mobile-web (`wap`), desktop
 * (`page`), app and QR (`qr`) payments, query, close, full and partial refunds, refund queries, and
 * verified asynchronous notifications answered with `success`. Public-key mode (`alipayPublicKey`)
 * or public-key-certificate mode (`certs`). Options are validated here, so a wrong key fails at boot.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs'
 * import { createLoop } from '@loopkit/core'
 * import { memoryStorage, sandboxIdentity } from '@loopkit/core/dev'
 * import { alipayPayments } from '@loopkit/alipay'
 *
 * const loop = createLoop({
 *   secret: process.env.LOOP_SECRET!,
 *   baseUrl: 'https://shop.example.com/loop', // notify_url: https://shop.example.com/loop/webhooks/alipay
 *   storage: memoryStorage(),
 *   identity: [sandboxIdentity()],
 *   payments: [
 *     alipayPayments({
 *       appId: '2021000000000000',
 *       privateKey: readFileSync('app_private_key.pem', 'utf8'),
 *       alipayPublicKey: readFileSync('alipay_public_key.pem', 'utf8'),
 *       sellerId: '2088000000000000',
 *     }),
 *   ],
 * })
 * ```
 */
export function alipayPayments(options: AlipayPaymentsOptions): AlipayPaymentAdapter {
  const resolved = resolveOptions(options)
  const client = createGatewayClient(resolved)
  return {
    id: resolved.id,
    methods: alipayMethods,
    createPayment: (input) => createAlipayPayment(resolved, client, input),
    queryPayment: (input) => queryAlipayPayment(client, input),
    closePayment: (input) => closeAlipayPayment(client, input),
    refund: (input) => refundAlipayPayment(client, input),
    queryRefund: async ({ order, refund }) => {
      const found = await queryAlipayRefund(client, {
        orderNumber: order.number,
        refundNumber: refund.number,
      })
      return found && { ...found, refundNumber: refund.number }
    },
    parseWebhook: (input) => parseAlipayWebhook(resolved, client, input),
    webhookResponse: alipayWebhookResponse,
  }
}
