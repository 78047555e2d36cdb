import type { KeyObject } from 'node:crypto'
import { requestContent, rsa2Verify } from './crypto.js'
import type { Payload } from './routes.js'

/** A gateway-level error (公共错误码): Alipay answers these without a signature. */
export function gatewayError(code: string, msg: string, subCode: string, subMsg: string): Payload {
  return { code, msg, sub_code: subCode, sub_msg: subMsg }
}

/** The request's parameters: the query string plus a form body (the SDKs split them either way). */
export function paramsOf(url: URL, req: Request, body: Uint8Array): Record<string, string> {
  const params: Record<string, string> = Object.fromEntries(url.searchParams)
  const type = req.headers.get('content-type') ?? ''
  if (req.method === 'POST' && type.includes('x-www-form-urlencoded'))
    Object.assign(params, Object.fromEntries(new URLSearchParams(Buffer.from(body).toString('utf8'))))
  return params
}

/** `biz_content` as an object, or null when it is not a JSON object. */
export function bizOf(params: Record<string, string>): Record<string, unknown> | null {
  try {
    const biz = JSON.parse(params.biz_content ?? '{}') as unknown
    return biz && typeof biz === 'object' ? (biz as Record<string, unknown>) : null
  } catch {
    return null
  }
}

/**
 * The gateway's checks of a request, in Alipay's order: a signature at all, the app, RSA2, the
 * certificate SNs in certificate mode, then the signature over the sorted raw parameters with the
 * application's public key. Null when the request may proceed.
 */
export function checkRequest(
  params: Record<string, string>,
  app: { appId: string; publicKey: KeyObject; certSn: { app: string; root: string } | null },
): Payload | null {
  if (!params.sign)
    return gatewayError('40001', 'Missing Required Arguments', 'isv.missing-signature', '缺少签名参数')
  if (params.app_id !== app.appId)
    return gatewayError('40002', 'Invalid Arguments', 'isv.invalid-app-id', '无效的AppID参数')
  if (params.sign_type !== 'RSA2')
    return gatewayError('40002', 'Invalid Arguments', 'isv.invalid-signature-type', '无效的签名类型')
  if (app.certSn && (params.app_cert_sn !== app.certSn.app || params.alipay_root_cert_sn !== app.certSn.root))
    return gatewayError(
      '40002',
      'Invalid Arguments',
      'isv.invalid-signature',
      '应用公钥证书SN或支付宝根证书SN不匹配',
    )
  if (!rsa2Verify(requestContent(params), params.sign, app.publicKey))
    return gatewayError(
      '40002',
      'Invalid Arguments',
      'isv.invalid-signature',
      '验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配',
    )
  return null
}
