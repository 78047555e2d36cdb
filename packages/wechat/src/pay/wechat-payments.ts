import type { PaymentAdapter } from '@loopkit/core'
import { type CertificateStore, platformCertificateStore } from './certificates.js'
import { createPayClient } from './client.js'
import { createWechatPayment, wechatPayMethods } from './create-payment.js'
import { resolveOptions, type WechatPaymentsOptions } from './options.js'
import { parseWechatWebhook, wechatWebhookResponse } from './parse-webhook.js'
import { closeWechatPayment, queryWechatPayment } from './query-payment.js'
import { queryWechatRefund } from './query-refund.js'
import { refundWechatPayment } from './refund.js'
import { validateWechatPayment } from './validate-payment.js'
import { certificateMessageVerifier, type MessageVerifier, staticMessageVerifier } from './verify-message.js'

/** The WeChat Pay adapter; `platformCertificates` is the certificate store in certificate mode. */
export type WechatPaymentAdapter = PaymentAdapter & {
  /**
   * In platform-certificate mode: `list()` the cached certificates, `refresh()` them now (at most
   * once per `minIntervalMs` across instances). `null` in public-key mode.
   */
  readonly platformCertificates: Pick<CertificateStore, 'list' | 'refresh'> | null
}

/**
 * WeChat Pay API v3 as a Loopkit payment adapter (direct merchant): JSAPI, mini-program, Native (QR),
 * H5 and APP payments (validated before checkout writes anything), query, close, refunds, refund
 * queries, and verified + decrypted payment and refund notifications. Options are validated here,
 * so a wrong key fails at boot. Verifies with the WeChat Pay public key (`verifiers`) or, with
 * `platformCertificates: { storage }`, with platform certificates it downloads, caches for every
 * instance and refreshes itself.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs'
 * import { createLoop } from '@loopkit/core'
 * import { memoryStorage } from '@loopkit/core/dev'
 * import { wechatLogin, wechatPayments } from '@loopkit/wechat'
 *
 * const loop = createLoop({
 *   secret: process.env.LOOP_SECRET!,
 *   baseUrl: 'https://shop.example.com/loop',
 *   storage: memoryStorage(),
 *   identity: [wechatLogin({ appid: 'wxd678efh567hg6787', secret: process.env.WECHAT_OA_SECRET! })],
 *   payments: [
 *     wechatPayments({
 *       mchid: '1900007291',
 *       appid: 'wxd678efh567hg6787',
 *       privateKey: readFileSync('apiclient_key.pem', 'utf8'),
 *       serialNo: '408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB',
 *       apiV3Key: process.env.WECHAT_APIV3_KEY!,
 *       verifiers: { PUB_KEY_ID_0114232134912410000000000000: readFileSync('pub_key.pem', 'utf8') },
 *     }),
 *   ],
 * })
 * ```
 */
export function wechatPayments(options: WechatPaymentsOptions): WechatPaymentAdapter {
  const resolved = resolveOptions(options)
  // The client verifies answers with the store, and the store downloads with the client.
  let verify: MessageVerifier = staticMessageVerifier(resolved)
  const client = createPayClient(resolved, (input) => verify(input))
  const store = platformCertificateStore(resolved, client)
  if (store) verify = certificateMessageVerifier({ store, now: resolved.now })
  return {
    id: resolved.id,
    methods: wechatPayMethods,
    validatePayment: (input) => void validateWechatPayment(resolved, input),
    createPayment: (input) => createWechatPayment(resolved, client, input),
    queryPayment: (input) => queryWechatPayment(resolved, client, input),
    closePayment: (input) => closeWechatPayment(resolved, client, input),
    refund: (input) => refundWechatPayment(resolved, client, input),
    queryRefund: (input) => queryWechatRefund(resolved, client, input),
    parseWebhook: (input) => parseWechatWebhook(resolved, input, verify),
    webhookResponse: wechatWebhookResponse,
    platformCertificates: store && { list: store.list, refresh: store.refresh },
  }
}
