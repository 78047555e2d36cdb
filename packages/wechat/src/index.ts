export * from './oa/index.js'
export * from './open/index.js'
export type { CertificateStore, PlatformCertificate } from './pay/certificates.js'
export { type WechatPayMethod, wechatPayMethods } from './pay/create-payment.js'
export {
  apiV3SecretKey,
  decryptResource,
  type EncryptedResource,
  encryptResource,
} from './pay/decrypt-resource.js'
export { mapWechatPayError } from './pay/error-map.js'
export type { PlatformCertificatesOptions, WechatPaymentsOptions } from './pay/options.js'
export { wechatWebhookResponse } from './pay/parse-webhook.js'
export {
  type AppPayParams,
  appPayParams,
  type JsapiPayParams,
  jsapiPayParams,
  signLines,
} from './pay/pay-sign.js'
export type { AuthorizationParts, RequestSignatureParts } from './pay/sign-request.js'
export {
  authorizationHeader,
  canonicalUrl,
  requestSignatureMessage,
  signRequest,
  WECHATPAY_AUTH_SCHEME,
} from './pay/sign-request.js'
export type {
  WechatNotification,
  WechatRefund,
  WechatRefundNotice,
  WechatTransaction,
} from './pay/vendor-types.js'
export type { VerifiedHeaders, WechatVerifiers } from './pay/verify-signature.js'
export {
  createVerifiers,
  MAX_CLOCK_SKEW_SECONDS,
  PROBE_SIGNATURE_PREFIX,
  responseSignatureMessage,
  verifyWechatSignature,
} from './pay/verify-signature.js'
export { type WechatPaymentAdapter, wechatPayments } from './pay/wechat-payments.js'
