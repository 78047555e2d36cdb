import type { CreatePaymentInput, CreatePaymentOutput } from '@loopkit/core'
import { orderNumberPattern } from '@loopkit/core'
import { wechatError } from '../_internal/errors.js'
import { unixSeconds } from '../_internal/nonce.js'
import { parseAnswer } from '../_internal/parse-answer.js'
import { prepayAnswer } from './answers.js'
import type { PayClient } from './client.js'
import type { ResolvedOptions } from './options.js'
import { appPayParams, jsapiPayParams } from './pay-sign.js'
import { rfc3339China } from './time.js'
import { validateWechatPayment, type WechatPayMethod } from './validate-payment.js'

export { type WechatPayMethod, wechatPayMethods } from './validate-payment.js'

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

/** Places the prepay order (统一下单) and turns the answer into the buyer's next step. */
export async function createWechatPayment(
  options: ResolvedOptions,
  client: PayClient,
  input: CreatePaymentInput,
): Promise<CreatePaymentOutput> {
  const { order } = input
  const { method, appid, openid } = validateWechatPayment(options, {
    customer: input.customer,
    total: order.total,
    currency: order.currency,
    ...(input.method ? { method: input.method } : {}),
    ...(input.clientIp ? { clientIp: input.clientIp } : {}),
  })
  if (!orderNumberPattern.test(order.number)) {
    throw wechatError(
      'invalid_input',
      `Order number \`${order.number}\` is not a valid \`out_trade_no\` (6–32 of [0-9A-Za-z_-|*]).`,
    )
  }

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
  if (openid) body.payer = { openid }
  if (method === 'h5') {
    body.scene_info = { payer_client_ip: input.clientIp, h5_info: { type: 'Wap' } }
  } else if (input.clientIp) {
    body.scene_info = { payer_client_ip: input.clientIp }
  }

  // WeChat returns the current prepay_id when the same out_trade_no is ordered again with the same
  // parameters, so a timed-out prepay may be retried as is.
  const answer = await client({ method: 'POST', path: endpoint[method], json: body, repeatable: true })
  const data = parseAnswer(prepayAnswer, answer.data, `WeChat Pay ${method} prepay`)
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
