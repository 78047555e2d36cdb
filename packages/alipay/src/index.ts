export { type AlipayPaymentAdapter, alipayPayments } from './pay/alipay-payments.js'
export { ALIPAY_MAX_FEN, fenToYuan, yuanToFen } from './pay/amount.js'
export { certSn, rootCertSn } from './pay/cert-sn.js'
export { type AlipayMethod, alipayMethods } from './pay/create-payment.js'
export { mapAlipayError } from './pay/error-map.js'
export type { AlipayCerts, AlipayPaymentsOptions } from './pay/options.js'
export { alipayWebhookResponse } from './pay/parse-webhook.js'
export type { AlipayRefundStatus } from './pay/refund.js'
export { requestSignContent, rsa2Sign, signRequestParams } from './pay/sign-request.js'
export { notifySignContent, verifyAlipayNotification } from './pay/verify-notify.js'
export {
  responseKey,
  responseSignContent,
  type VerifiedResponse,
  verifyAlipayResponse,
} from './pay/verify-response.js'
