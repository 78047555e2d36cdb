import type { ValidatePaymentInput } from '@loopkit/core'
import { wechatError } from '../_internal/errors.js'
import type { ResolvedOptions } from './options.js'

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

/** What a valid WeChat payment request resolves to: the method, its appid and the payer's openid. */
export interface WechatPaymentPlan {
  method: WechatPayMethod
  appid: string
  /** For `jsapi` and `miniprogram`, else null. */
  openid: string | null
}

function pickMethod(input: Pick<ValidatePaymentInput, 'method' | 'customer'>): WechatPayMethod {
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

/**
 * Everything WeChat Pay would refuse that is known before an order exists: the method, CNY, a
 * positive amount in fen, the appid the method needs, the buyer's openid for JSAPI/mini-program,
 * the client IP for H5. Checkout runs it before writing anything (issue #9.4); `createPayment`
 * runs it again, so both paths refuse alike.
 */
export function validateWechatPayment(
  options: ResolvedOptions,
  input: ValidatePaymentInput,
): WechatPaymentPlan {
  const method = pickMethod(input)
  if (input.currency !== 'CNY') {
    throw wechatError(
      'invalid_input',
      `WeChat Pay domestic merchants settle in CNY only, not ${input.currency}.`,
    )
  }
  if (!Number.isSafeInteger(input.total) || input.total <= 0) {
    throw wechatError(
      'invalid_input',
      `WeChat Pay needs a positive integer amount in fen, got ${input.total}.`,
    )
  }
  const appid =
    method === 'miniprogram' ? options.miniProgramAppid : method === 'app' ? options.appAppid : options.appid
  if (!appid)
    throw wechatError(
      'configuration',
      'Missing required option `miniProgramAppid` for mini-program payments.',
    )
  let openid: string | null = null
  if (method === 'jsapi' || method === 'miniprogram') {
    openid = options.payerOpenid({ customer: input.customer, method, appid }) ?? null
    if (!openid) {
      throw wechatError(
        'invalid_input',
        `A ${method} payment needs the buyer's WeChat openid: log the customer in with WeChat first.`,
      )
    }
  }
  if (method === 'h5' && !input.clientIp)
    throw wechatError('invalid_input', 'An h5 payment needs `clientIp` (scene_info.payer_client_ip).')
  return { method, appid, openid }
}
