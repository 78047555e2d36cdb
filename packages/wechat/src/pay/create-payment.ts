import type { CreatePaymentInput, CreatePaymentOutput } from '@loopkit/core'
import { orderNumberPattern } from '@loopkit/core'
import { wechatError } from '../_internal/errors.js'
import { unixSeconds } from '../_internal/nonce.js'
import type { PayClient } from './client.js'
import type { ResolvedOptions } from './options.js'
import { appPayParams, jsapiPayParams } from './pay-sign.js'
import { rfc3339China } from './time.js'

/**
 * The ways to pay with WeChat that `createPayment({ method })` accepts. Without a method, a customer
 * with a `wechat` identity pays with `jsapi`, anyone else with `native` (QR).
 *
 * @example
 * ```ts
 * await loop.checkout({ customerId, lines, provider: 'wechat', method: 'miniprogram' })
 * ```
 */
export const wechatPayMethods = ['jsapi', 'miniprogram', 'native', 'h5', 'app'] as const
/** One of {@link wechatPayMethods}: the `method` of a WeChat checkout. */
export type WechatPayMethod = (typeof wechatPayMethods)[number]

const endpoint: Record<WechatPayMethod, string> = {
  jsapi: '/v3/pay/transactions/jsapi',
  miniprogram: '/v3/pay/transactions/jsapi',
  native: '/v3/pay/transactions/native',
  h5: '/v3/pay/transactions/h5',
  app: '/v3/pay/transactions/app',
}

/** WeChat counts `description` in characters and refuses more than 127. */
function clip(text: string, max: number): string {
  const chars = Array.from(text)
  return chars.length > max ? chars.slice(0, max).join('') : text
}

function pickMethod(input: CreatePaymentInput): WechatPayMethod {
  const method =
    input.method ?? (input.customer.identities.some((i) => i.provider === 'wechat') ? 'jsapi' : 'native')
  if (!(wechatPayMethods as readonly string[]).includes(method)) {
    throw wechatError(
      'invalid_input',
      `Unknown WeChat Pay method \`${method}\`; use one of ${wechatPayMethods.join(', ')}.`,
    )
  }
  return method as WechatPayMethod
}

/** Places the prepay order (统一下单) and turns the answer into the buyer's next step. */
export async function createWechatPayment(
  options: ResolvedOptions,
  client: PayClient,
  input: CreatePaymentInput,
): Promise<CreatePaymentOutput> {
  const method = pickMethod(input)
  const { order } = input
  if (order.currency !== 'CNY') {
    throw wechatError(
      'invalid_input',
      `WeChat Pay domestic merchants settle in CNY only, order ${order.number} is in ${order.currency}.`,
    )
  }
  if (!orderNumberPattern.test(order.number)) {
    throw wechatError(
      'invalid_input',
      `Order number \`${order.number}\` is not a valid \`out_trade_no\` (6–32 of [0-9A-Za-z_-|*]).`,
    )
  }
  if (!Number.isSafeInteger(order.total) || order.total <= 0) {
    throw wechatError(
      'invalid_input',
      `WeChat Pay needs a positive integer amount in fen, got ${order.total}.`,
    )
  }
  const appid =
    method === 'miniprogram' ? options.miniProgramAppid : method === 'app' ? options.appAppid : options.appid
  if (!appid)
    throw wechatError(
      'configuration',
      'Missing required option `miniProgramAppid` for mini-program payments.',
    )

  const body: Record<string, unknown> = {
    appid,
    mchid: options.mchid,
    description: clip(input.description || order.number, 127),
    out_trade_no: order.number,
    // WeChat refuses to change time_expire later, so it is derived from the order, never from "now".
    time_expire: rfc3339China(order.expiresAt),
    notify_url: input.notifyUrl,
    amount: { total: order.total, currency: 'CNY' },
  }
  if (method === 'jsapi' || method === 'miniprogram') {
    const openid = options.payerOpenid({ customer: input.customer, method, appid })
    if (!openid) {
      throw wechatError(
        'invalid_input',
        `A ${method} payment needs the buyer's WeChat openid: log the customer in with WeChat first.`,
      )
    }
    body.payer = { openid }
  }
  if (method === 'h5') {
    if (!input.clientIp)
      throw wechatError('invalid_input', 'An h5 payment needs `clientIp` (scene_info.payer_client_ip).')
    body.scene_info = { payer_client_ip: input.clientIp, h5_info: { type: 'Wap' } }
  } else if (input.clientIp) {
    body.scene_info = { payer_client_ip: input.clientIp }
  }

  // WeChat returns the current prepay_id when the same out_trade_no is ordered again with the same
  // parameters, so a timed-out prepay may be retried as is.
  const { data } = await client<{ prepay_id?: string; code_url?: string; h5_url?: string }>({
    method: 'POST',
    path: endpoint[method],
    json: body,
    repeatable: true,
  })
  const nowSeconds = unixSeconds(options.now())
  if (method === 'native') {
    if (!data?.code_url)
      throw wechatError('provider_error', 'WeChat Pay answered a Native prepay without `code_url`.')
    return { providerRef: null, action: { type: 'qr', codeUrl: data.code_url } }
  }
  if (method === 'h5') {
    if (!data?.h5_url)
      throw wechatError('provider_error', 'WeChat Pay answered an H5 prepay without `h5_url`.')
    const url = input.returnUrl
      ? `${data.h5_url}&redirect_url=${encodeURIComponent(input.returnUrl)}`
      : data.h5_url
    return { providerRef: null, action: { type: 'redirect', url } }
  }
  if (!data?.prepay_id)
    throw wechatError('provider_error', 'WeChat Pay answered a prepay without `prepay_id`.')
  if (method === 'app') {
    const params = appPayParams({
      appId: appid,
      mchid: options.mchid,
      prepayId: data.prepay_id,
      privateKey: options.privateKey,
      timestamp: nowSeconds,
    })
    return { providerRef: null, action: { type: 'app', params: { ...params } } }
  }
  const params = jsapiPayParams({
    appId: appid,
    prepayId: data.prepay_id,
    privateKey: options.privateKey,
    timestamp: nowSeconds,
  })
  return { providerRef: null, action: { type: 'jsapi', params: { ...params } } }
}
