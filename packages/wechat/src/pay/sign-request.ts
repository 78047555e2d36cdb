import { type KeyObject, sign } from 'node:crypto'
import { readPrivateKey } from '../_internal/keys.js'

/** The authorization scheme of WeChat Pay API v3 merchant requests. */
export const WECHATPAY_AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048'

/** What a merchant request signature covers. */
export interface RequestSignatureParts {
  /** Upper-case HTTP method as sent. */
  method: string
  /** Path + `?query` exactly as sent, no scheme or host (see {@link canonicalUrl}). */
  url: string
  /** Unix seconds. */
  timestamp: number | string
  nonce: string
  /** The exact body string sent on the wire; `''` for GET. */
  body: string
}

/**
 * The message a merchant signs: `METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n` (every line ends in `\n`, the
 * body is used verbatim even if it ends in `\n` itself).
 *
 * @example
 * ```ts
 * requestSignatureMessage({ method: 'GET', url: '/v3/certificates', timestamp: 1624523846, nonce: 'A1B2C3D4E5F6G7', body: '' })
 * // "GET\n/v3/certificates\n1624523846\nA1B2C3D4E5F6G7\n\n"
 * ```
 */
export function requestSignatureMessage(parts: RequestSignatureParts): string {
  return `${parts.method}\n${parts.url}\n${parts.timestamp}\n${parts.nonce}\n${parts.body}\n`
}

/**
 * The canonical URL of a request: `pathname + search` of the URL actually sent, so the signature and
 * the wire never disagree (a full URL or a re-ordered query is a classic `401 SIGN_ERROR`).
 *
 * @example
 * ```ts
 * canonicalUrl('https://api.mch.weixin.qq.com/v3/pay/transactions/id/42?mchid=1900007291')
 * // "/v3/pay/transactions/id/42?mchid=1900007291"
 * ```
 */
export function canonicalUrl(url: string | URL): string {
  const u = typeof url === 'string' ? new URL(url) : url
  return `${u.pathname}${u.search}`
}

/**
 * Base64 SHA256withRSA (PKCS#1 v1.5) signature of a merchant request with the merchant API private key.
 *
 * @example
 * ```ts
 * const signature = signRequest({ privateKey, method: 'POST', url: '/v3/pay/transactions/jsapi', timestamp: 1554208460, nonce, body })
 * ```
 */
export function signRequest(input: RequestSignatureParts & { privateKey: KeyObject | string }): string {
  const key = typeof input.privateKey === 'string' ? readPrivateKey(input.privateKey) : input.privateKey
  return sign('sha256', Buffer.from(requestSignatureMessage(input), 'utf8'), key).toString('base64')
}

/** The five items of the `Authorization` header (WeChat accepts them in any order). */
export interface AuthorizationParts {
  mchid: string
  nonce: string
  timestamp: number | string
  /** Merchant API certificate serial, uppercase hex. */
  serialNo: string
  signature: string
  /** Defaults to `WECHATPAY2-SHA256-RSA2048`. */
  scheme?: string
}

/**
 * The `Authorization` header value, items in the order of the official Go SDK.
 *
 * @example
 * ```ts
 * authorizationHeader({ mchid: '1900007291', nonce, timestamp: 1554208460, serialNo, signature })
 * // 'WECHATPAY2-SHA256-RSA2048 mchid="1900007291",nonce_str="…",timestamp="1554208460",serial_no="…",signature="…"'
 * ```
 */
export function authorizationHeader(parts: AuthorizationParts): string {
  const scheme = parts.scheme ?? WECHATPAY_AUTH_SCHEME
  return `${scheme} mchid="${parts.mchid}",nonce_str="${parts.nonce}",timestamp="${parts.timestamp}",serial_no="${parts.serialNo}",signature="${parts.signature}"`
}
