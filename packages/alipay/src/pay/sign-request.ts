import { type KeyObject, sign } from 'node:crypto'

/**
 * Alipay's string-to-sign of a request: every parameter except `sign` and empty values, keys sorted
 * by ASCII, `key=value` joined with `&`, values **raw** (not URL-encoded). `sign_type` is included.
 *
 * @example
 * ```ts
 * requestSignContent({ method: 'alipay.trade.query', app_id: '2014072300007148', sign_type: 'RSA2' })
 * // "app_id=2014072300007148&method=alipay.trade.query&sign_type=RSA2"
 * ```
 */
export function requestSignContent(params: Readonly<Record<string, string | undefined>>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&')
}

/**
 * RSA2: Base64 of SHA256withRSA over the UTF-8 bytes of `content` with the application private key.
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from 'node:crypto'
 * const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
 * rsa2Sign({ content: 'a=1&b=2', privateKey }).length // 344
 * ```
 */
export function rsa2Sign(input: { content: string | Uint8Array; privateKey: KeyObject }): string {
  const data = typeof input.content === 'string' ? Buffer.from(input.content, 'utf8') : input.content
  return sign('sha256', data, input.privateKey).toString('base64')
}

/**
 * Signs a request's parameters: returns them with `sign` added (`sign_type` must already be `RSA2`).
 * Reproduces the published vector V-A3 byte for byte.
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from 'node:crypto'
 * const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
 * const signed = signRequestParams({ params: { app_id: '2021000000000000', method: 'alipay.trade.query', sign_type: 'RSA2' }, privateKey })
 * signed.sign.length // 344
 * ```
 */
export function signRequestParams<P extends Readonly<Record<string, string | undefined>>>(input: {
  params: P
  privateKey: KeyObject
}): P & { sign: string } {
  const sign = rsa2Sign({ content: requestSignContent(input.params), privateKey: input.privateKey })
  return { ...input.params, sign }
}
