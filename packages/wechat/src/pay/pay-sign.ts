import { type KeyObject, sign } from 'node:crypto'
import { readPrivateKey } from '../_internal/keys.js'
import { randomNonce, unixSeconds } from '../_internal/nonce.js'

/** Parameters for `WeixinJSBridge.invoke('getBrandWCPayRequest', …)` and `wx.requestPayment(…)`. */
export interface JsapiPayParams {
  appId: string
  /** Unix **seconds**, as a string. */
  timeStamp: string
  nonceStr: string
  package: string
  /** Always `RSA`; not part of the signed string. */
  signType: 'RSA'
  paySign: string
}

/** Parameters for the WeChat APP SDK's `PayReq`. */
export interface AppPayParams {
  appid: string
  partnerid: string
  prepayid: string
  package: 'Sign=WXPay'
  noncestr: string
  timestamp: string
  sign: string
}

/**
 * Base64 SHA256withRSA over `line1\nline2\n…\n` (every line ends in `\n`, including the last): the
 * shape of every WeChat client-side signature.
 *
 * @example
 * ```ts
 * signLines([appId, timeStamp, nonceStr, `prepay_id=${prepayId}`], privateKey) // = jsapiPayParams(…).paySign
 * ```
 */
export function signLines(lines: readonly string[], privateKey: KeyObject | string): string {
  const key = typeof privateKey === 'string' ? readPrivateKey(privateKey) : privateKey
  return sign('sha256', Buffer.from(`${lines.join('\n')}\n`, 'utf8'), key).toString('base64')
}

/**
 * Client parameters for JSAPI (official-account pages) and mini-program payments:
 * `paySign` signs `appId\ntimeStamp\nnonceStr\nprepay_id=…\n`; `timeStamp` is in seconds.
 *
 * @example
 * ```ts
 * const params = jsapiPayParams({ appId: 'wxd678efh567hg6787', prepayId, privateKey })
 * // wx.requestPayment({ ...params, success, fail })
 * ```
 */
export function jsapiPayParams(input: {
  appId: string
  prepayId: string
  privateKey: KeyObject | string
  /** Unix seconds; defaults to now. */
  timestamp?: number
  nonceStr?: string
}): JsapiPayParams {
  const timeStamp = String(input.timestamp ?? unixSeconds(Date.now()))
  const nonceStr = input.nonceStr ?? randomNonce()
  const pkg = `prepay_id=${input.prepayId}`
  const paySign = signLines([input.appId, timeStamp, nonceStr, pkg], input.privateKey)
  return { appId: input.appId, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign }
}

/**
 * Client parameters for APP payments: `sign` signs `appid\ntimestamp\nnoncestr\nprepayid\n` (the raw
 * prepay id, not `package`), and `package` is the constant `Sign=WXPay`.
 *
 * @example
 * ```ts
 * const params = appPayParams({ appId: 'wxd678efh567hg6787', mchid: '1900007291', prepayId, privateKey })
 * ```
 */
export function appPayParams(input: {
  appId: string
  mchid: string
  prepayId: string
  privateKey: KeyObject | string
  timestamp?: number
  nonceStr?: string
}): AppPayParams {
  const timestamp = String(input.timestamp ?? unixSeconds(Date.now()))
  const noncestr = input.nonceStr ?? randomNonce()
  const signature = signLines([input.appId, timestamp, noncestr, input.prepayId], input.privateKey)
  return {
    appid: input.appId,
    partnerid: input.mchid,
    prepayid: input.prepayId,
    package: 'Sign=WXPay',
    noncestr,
    timestamp,
    sign: signature,
  }
}
