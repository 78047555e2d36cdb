import { randomBytes } from 'node:crypto'
import type { PayError } from './auth.js'
import { canonical, refundJson, type SimOrder, type SimRefund, transactionJson } from './state.js'
import { checkPrepayBody, checkRefundBody, OUT_TRADE_NO, parseRfc3339, type TradeKind } from './validate.js'

/** What a route answers before signing: a status and an optional JSON body. */
export interface PayResult {
  status: number
  json?: unknown
}

/** The simulator state routes work on. */
export interface PayState {
  mchid: string
  appids: readonly string[]
  baseUrl: () => string
  now: () => number
  allowInsecureNotifyUrl: boolean
  orders: Map<string, SimOrder>
  refunds: Map<string, SimRefund>
  /** Called after a refund is accepted, to schedule its settlement. */
  onRefundCreated: (refund: SimRefund) => void
}

const DAY = 86_400_000
const tradeTypes: Record<TradeKind, SimOrder['tradeType']> = {
  jsapi: 'JSAPI',
  app: 'APP',
  h5: 'MWEB',
  native: 'NATIVE',
}

function err(status: number, code: string, message: string): PayError {
  return { status, code, message }
}

function isError(value: PayResult | PayError): value is PayError {
  return 'code' in value
}

export function toResult(value: PayResult | PayError): PayResult {
  return isError(value) ? { status: value.status, json: { code: value.code, message: value.message } } : value
}

function digits(n: number): string {
  return Array.from(randomBytes(n), (b) => String(b % 10)).join('')
}

function prepayAnswer(o: SimOrder): PayResult {
  if (o.tradeType === 'NATIVE') return { status: 200, json: { code_url: o.codeUrl } }
  if (o.tradeType === 'MWEB') return { status: 200, json: { h5_url: o.h5Url } }
  return { status: 200, json: { prepay_id: o.prepayId } }
}

export function prepay(state: PayState, kind: TradeKind, body: Record<string, any>): PayResult | PayError {
  const invalid = checkPrepayBody(kind, body, state.allowInsecureNotifyUrl)
  if (invalid) return invalid
  if (body.mchid !== state.mchid || !state.appids.includes(body.appid))
    return err(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配')
  const now = state.now()
  const params = canonical({ kind, ...body })
  const existing = state.orders.get(body.out_trade_no)
  if (existing) {
    if (existing.state === 'SUCCESS' || existing.state === 'REFUND')
      return err(400, 'ORDERPAID', '该订单已支付')
    if (existing.state === 'CLOSED') return err(400, 'ORDER_CLOSED', '该订单已关闭')
    // "若未超过支付结束时间，则可使用原参数重新请求下单接口，以获取当前订单最新的prepay_id".
    if (existing.params !== params) return err(403, 'OUT_TRADE_NO_USED', '商户订单号重复')
    return prepayAnswer(existing)
  }
  let timeExpire = now + 7 * DAY
  if (body.time_expire !== undefined) {
    const at = parseRfc3339(body.time_expire)
    if (at > now + 90 * DAY) return err(400, 'PARAM_ERROR', 'time_expire需在下单时间的90天以内')
    timeExpire = Math.max(at, now + 60_000)
  }
  const stamp = new Date(now + 8 * 3_600_000).toISOString().replace(/\D/g, '').slice(0, 14)
  const prepayId = `wx${stamp}${randomBytes(10).toString('hex')}`
  const order: SimOrder = {
    appid: body.appid,
    mchid: body.mchid,
    outTradeNo: body.out_trade_no,
    tradeType: tradeTypes[kind],
    description: body.description,
    notifyUrl: body.notify_url,
    total: body.amount.total,
    currency: body.amount.currency ?? 'CNY',
    attach: body.attach ?? null,
    payerOpenid: body.payer?.openid ?? null,
    timeExpire,
    createdAt: now,
    params,
    prepayId,
    codeUrl: kind === 'native' ? `weixin://wxpay/bizpayurl?pr=${randomBytes(6).toString('base64url')}` : null,
    h5Url: kind === 'h5' ? `${state.baseUrl()}/_sim/pay?prepay_id=${prepayId}&package=${digits(10)}` : null,
    state: 'NOTPAY',
    transactionId: null,
    successTime: null,
    refunds: [],
  }
  state.orders.set(order.outTradeNo, order)
  return prepayAnswer(order)
}

export function query(
  state: PayState,
  by: 'out-trade-no' | 'id',
  id: string,
  mchid: string | null,
): PayResult | PayError {
  if (!mchid) return err(400, 'PARAM_ERROR', '输入源“/query/mchid”为必填字段')
  if (mchid !== state.mchid) return err(400, 'MCH_NOT_EXISTS', '商户号不存在')
  const order =
    by === 'out-trade-no'
      ? state.orders.get(id)
      : [...state.orders.values()].find((o) => o.transactionId === id)
  if (!order) return err(404, 'ORDER_NOT_EXIST', '订单不存在')
  return { status: 200, json: transactionJson(order) }
}

export function close(state: PayState, outTradeNo: string, body: Record<string, any>): PayResult | PayError {
  if (body.mchid !== state.mchid) return err(400, 'PARAM_ERROR', '输入源“/body/mchid”为必填字段或不匹配')
  if (!OUT_TRADE_NO.test(outTradeNo)) return err(400, 'PARAM_ERROR', 'out_trade_no格式错误')
  const order = state.orders.get(outTradeNo)
  if (!order) return err(404, 'ORDER_NOT_EXIST', '订单不存在')
  if (order.state === 'SUCCESS' || order.state === 'REFUND') return err(400, 'ORDERPAID', '订单已支付')
  order.state = 'CLOSED'
  return { status: 204 }
}

export function createRefund(state: PayState, body: Record<string, any>): PayResult | PayError {
  const invalid = checkRefundBody(body, state.allowInsecureNotifyUrl)
  if (invalid) return invalid
  const order =
    typeof body.transaction_id === 'string'
      ? [...state.orders.values()].find((o) => o.transactionId === body.transaction_id)
      : state.orders.get(body.out_trade_no)
  if (!order) return err(404, 'RESOURCE_NOT_EXISTS', '订单不存在')
  const params = canonical({ ...body, out_trade_no: order.outTradeNo, transaction_id: order.transactionId })
  const existing = state.refunds.get(body.out_refund_no)
  if (existing) {
    // "同一退款单号多次请求只退一笔": the same request answers the same refund.
    if (existing.outTradeNo !== order.outTradeNo || existing.refund !== body.amount.refund) {
      return err(400, 'INVALID_REQUEST', '退款单号已被使用，且参数不一致')
    }
    return { status: 200, json: refundJson(existing) }
  }
  if (order.state !== 'SUCCESS' && order.state !== 'REFUND')
    return err(400, 'INVALID_REQUEST', '订单未支付，不能退款')
  if (body.amount.total !== order.total) return err(400, 'PARAM_ERROR', '订单金额与原订单金额不一致')
  const refunded = order.refunds
    .map((no) => state.refunds.get(no)!)
    .filter((r) => r.status !== 'CLOSED' && r.status !== 'ABNORMAL')
    .reduce((sum, r) => sum + r.refund, 0)
  if (refunded + body.amount.refund > order.total)
    return err(400, 'INVALID_REQUEST', '申请退款金额超过订单可退金额')
  if (order.refunds.length >= 50) return err(403, 'RULE_LIMIT', '部分退款次数已达上限(50)')
  const refund: SimRefund = {
    refundId: `50${digits(30)}`,
    outRefundNo: body.out_refund_no,
    outTradeNo: order.outTradeNo,
    transactionId: order.transactionId!,
    refund: body.amount.refund,
    total: order.total,
    reason: body.reason ?? null,
    notifyUrl: body.notify_url ?? null,
    status: 'PROCESSING',
    createdAt: state.now(),
    successTime: null,
    params,
  }
  state.refunds.set(refund.outRefundNo, refund)
  order.refunds.push(refund.outRefundNo)
  order.state = 'REFUND'
  state.onRefundCreated(refund)
  return { status: 200, json: refundJson(refund) }
}

export function queryRefund(state: PayState, outRefundNo: string): PayResult | PayError {
  const refund = state.refunds.get(outRefundNo)
  if (!refund) return err(404, 'RESOURCE_NOT_EXISTS', '退款单不存在')
  return { status: 200, json: refundJson(refund) }
}

export function newTransactionId(now: number): string {
  const day = new Date(now + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '')
  return `4200${digits(6)}${day}${digits(10)}`
}

/** Answers one authenticated merchant API request. */
export function dispatch(state: PayState, method: string, url: URL, rawBody: Uint8Array): PayResult {
  let body: Record<string, any> = {}
  if (method === 'POST') {
    try {
      body = JSON.parse(Buffer.from(rawBody).toString('utf8'))
    } catch {
      return { status: 400, json: { code: 'PARAM_ERROR', message: '请求体不是合法的JSON' } }
    }
  }
  const p = url.pathname
  const at = (verb: string, re: RegExp) => (method === verb ? re.exec(p) : null)
  const prepayMatch = at('POST', /^\/v3\/pay\/transactions\/(jsapi|app|h5|native)$/)
  if (prepayMatch) return toResult(prepay(state, prepayMatch[1] as 'jsapi', body))
  const queryMatch = at('GET', /^\/v3\/pay\/transactions\/(out-trade-no|id)\/([^/]+)$/)
  if (queryMatch) {
    const by = queryMatch[1] as 'id' | 'out-trade-no'
    return toResult(query(state, by, decodeURIComponent(queryMatch[2]!), url.searchParams.get('mchid')))
  }
  const closeMatch = at('POST', /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/close$/)
  if (closeMatch) return toResult(close(state, decodeURIComponent(closeMatch[1]!), body))
  if (at('POST', /^\/v3\/refund\/domestic\/refunds$/)) return toResult(createRefund(state, body))
  const refundMatch = at('GET', /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/)
  if (refundMatch) return toResult(queryRefund(state, decodeURIComponent(refundMatch[1]!)))
  if (method === 'GET' && p === '/v3/certificates') {
    return {
      status: 404,
      json: {
        code: 'RESOURCE_NOT_EXISTS',
        message: '无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥。',
      },
    }
  }
  return { status: 404, json: { code: 'NOT_FOUND', message: `No such API: ${method} ${p}` } }
}
