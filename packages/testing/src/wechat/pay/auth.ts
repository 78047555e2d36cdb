import type { KeyObject } from 'node:crypto'
import { rsaVerify } from './crypto.js'

/** A WeChat-style error answer: HTTP status + `{code, message}`. */
export interface PayError {
  status: number
  code: string
  message: string
}

const AUTH_FORMAT_ERROR = 'Http头Authorization值格式错误，请参考《微信支付商户REST API签名规则》'

/** Parses `WECHATPAY2-SHA256-RSA2048 k="v",k="v"` (items in any order). */
export function parseAuthorization(header: string | null): Record<string, string> | null {
  const m = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(header ?? '')
  if (!m) return null
  const items: Record<string, string> = {}
  const re = /\s*([a-z_]+)="([^"]*)"\s*(?:,|$)/gy
  let consumed = 0
  for (let match = re.exec(m[1]!); match !== null; match = re.exec(m[1]!)) {
    items[match[1]!] = match[2]!
    consumed = re.lastIndex
    if (consumed >= m[1]!.length) break
  }
  return consumed === m[1]!.length ? items : null
}

/**
 * Checks a merchant request the way WeChat Pay does: scheme and five items, known merchant and
 * certificate serial, timestamp within 5 minutes, and the signature over
 * `METHOD\nREQUEST_TARGET\nTS\nNONCE\nBODY\n` on the raw bytes received. Returns the error to answer, or null.
 */
export function checkMerchantSignature(input: {
  method: string
  rawUrl: string
  body: Uint8Array
  authorization: string | null
  mchid: string
  serialNo: string
  publicKey: KeyObject
  nowMs: number
}): PayError | null {
  const items = parseAuthorization(input.authorization)
  if (
    !items ||
    !items.mchid ||
    !items.nonce_str ||
    !items.timestamp ||
    !items.serial_no ||
    !items.signature
  ) {
    return { status: 401, code: 'SIGN_ERROR', message: AUTH_FORMAT_ERROR }
  }
  if (items.mchid !== input.mchid)
    return { status: 401, code: 'SIGN_ERROR', message: '商户号不存在或与签名不匹配' }
  if (items.serial_no !== input.serialNo)
    return { status: 401, code: 'SIGN_ERROR', message: '商户证书序列号有误。请使用签名私钥匹配的证书序列号' }
  if (
    !/^\d{1,12}$/.test(items.timestamp) ||
    Math.abs(Math.floor(input.nowMs / 1000) - Number(items.timestamp)) > 300
  ) {
    return {
      status: 401,
      code: 'SIGN_ERROR',
      message: 'Http头Authorization中的timestamp与发起请求的时间不得超过5分钟',
    }
  }
  const message = Buffer.concat([
    Buffer.from(`${input.method}\n${input.rawUrl}\n${items.timestamp}\n${items.nonce_str}\n`),
    Buffer.from(input.body),
    Buffer.from('\n'),
  ])
  if (!rsaVerify(message, input.publicKey, items.signature)) {
    return { status: 401, code: 'SIGN_ERROR', message: '签名错误，请检查后再试' }
  }
  return null
}
