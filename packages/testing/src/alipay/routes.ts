import { randomBytes } from 'node:crypto'
import { beijing, fen, parseBeijing, type SimTrade, tradeJson, yuan } from './state.js'

/** What a gateway method answers: the `<method>_response` payload. */
export type Payload = Record<string, string>

/** The simulator state the routes work on. */
export interface AlipayState {
  baseUrl: () => string
  now: () => number
  trades: Map<string, SimTrade>
  /** Called after a refund moved money, to deliver its notification. */
  onRefund: (trade: SimTrade, outRequestNo: string) => void
}

const DAY = 86_400_000
const OUT_TRADE_NO = /^[0-9A-Za-z_]{1,64}$/

export function business(subCode: string, subMsg: string): Payload {
  return { code: '40004', msg: 'Business Failed', sub_code: subCode, sub_msg: subMsg }
}

function invalid(subMsg: string): Payload {
  return business('ACQ.INVALID_PARAMETER', subMsg)
}

/** A 28-digit trade number like Alipay's: date, channel, random digits. */
export function newTradeNo(now: number): string {
  const digits = Array.from(randomBytes(14), (b) => String(b % 10)).join('')
  return `${beijing(now).replace(/\D/g, '').slice(0, 8)}2200${digits}`.slice(0, 28)
}

/**
 * Creates the trade of a payment request (`wap`, `page`, `app`, `precreate`), or finds the same one:
 * the same `out_trade_no` with the same parameters is the same trade, with others it is
 * `ACQ.CONTEXT_INCONSISTENT`; a paid or closed one cannot be paid again.
 */
export function openTrade(
  state: AlipayState,
  input: { method: string; biz: Record<string, unknown>; notifyUrl: string | null; returnUrl: string | null },
): SimTrade | Payload {
  const { biz } = input
  const outTradeNo = biz.out_trade_no
  if (typeof outTradeNo !== 'string' || !OUT_TRADE_NO.test(outTradeNo)) return invalid('out_trade_no无效')
  const total = fen(biz.total_amount)
  if (total === null || total < 1 || total > 10_000_000_000)
    return business('ACQ.TOTAL_FEE_EXCEED', '订单金额超过限额')
  if (typeof biz.subject !== 'string' || !biz.subject || Array.from(biz.subject).length > 256)
    return invalid('subject无效')
  let timeExpire: number | null = null
  if (biz.time_expire !== undefined) {
    timeExpire = parseBeijing(biz.time_expire)
    if (timeExpire === null || timeExpire > state.now() + 15 * DAY) return invalid('time_expire无效')
  }
  const params = JSON.stringify([
    input.method,
    outTradeNo,
    biz.total_amount,
    biz.subject,
    biz.time_expire ?? null,
  ])
  const existing = state.trades.get(outTradeNo)
  if (existing) {
    if (existing.status === 'TRADE_SUCCESS' || existing.status === 'TRADE_FINISHED')
      return business('ACQ.TRADE_HAS_SUCCESS', '交易已被支付')
    if (existing.status === 'TRADE_CLOSED') return business('ACQ.TRADE_HAS_CLOSE', '交易已经关闭')
    if (existing.params !== params) return business('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改')
    return existing
  }
  const trade: SimTrade = {
    outTradeNo,
    method: input.method,
    productCode: String(biz.product_code ?? ''),
    subject: biz.subject,
    total,
    notifyUrl: input.notifyUrl,
    returnUrl: input.returnUrl,
    timeExpire,
    params,
    status: 'WAIT_BUYER_PAY',
    tradeNo: null,
    buyerId: null,
    createdAt: state.now(),
    paidAt: null,
    refunds: new Map(),
    refunded: 0,
  }
  state.trades.set(outTradeNo, trade)
  return trade
}

function find(state: AlipayState, biz: Record<string, unknown>): SimTrade | Payload {
  const byNo = typeof biz.out_trade_no === 'string' ? state.trades.get(biz.out_trade_no) : undefined
  const trade =
    byNo ?? [...state.trades.values()].find((t) => t.tradeNo !== null && t.tradeNo === biz.trade_no)
  if (!trade) return business('ACQ.TRADE_NOT_EXIST', '交易不存在')
  if (typeof biz.trade_no === 'string' && biz.trade_no !== trade.tradeNo)
    return business('ACQ.TRADE_NOT_EXIST', '交易不存在')
  return trade
}

const isPayload = (v: SimTrade | Payload): v is Payload => typeof (v as Payload).code === 'string'

function refund(state: AlipayState, biz: Record<string, unknown>): Payload {
  const trade = find(state, biz)
  if (isPayload(trade)) return trade
  const amount = fen(biz.refund_amount)
  if (amount === null || amount < 1) return invalid('refund_amount无效')
  const outRequestNo =
    typeof biz.out_request_no === 'string' && biz.out_request_no ? biz.out_request_no : trade.outTradeNo
  const answer = (fundChange: 'Y' | 'N') => ({
    code: '10000',
    msg: 'Success',
    trade_no: trade.tradeNo ?? '',
    out_trade_no: trade.outTradeNo,
    buyer_logon_id: 'buy***@example.com',
    fund_change: fundChange,
    refund_fee: yuan(trade.refunded),
    gmt_refund_pay: beijing(state.now()),
  })
  const earlier = trade.refunds.get(outRequestNo)
  if (earlier) {
    // "同一笔交易的同一个 out_request_no 重复请求，只会退款一次"; a changed amount is refused.
    return earlier.amount === amount ? answer('N') : business('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改')
  }
  if (trade.status === 'TRADE_FINISHED') return business('ACQ.TRADE_HAS_FINISHED', '交易已完结')
  if (trade.status !== 'TRADE_SUCCESS') return business('ACQ.TRADE_STATUS_ERROR', '交易状态不合法')
  if (trade.refunded + amount > trade.total) return business('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限')
  trade.refunds.set(outRequestNo, {
    outRequestNo,
    amount,
    reason: typeof biz.refund_reason === 'string' ? biz.refund_reason : null,
    at: state.now(),
  })
  trade.refunded += amount
  // A trade refunded in full is closed.
  if (trade.refunded === trade.total) trade.status = 'TRADE_CLOSED'
  state.onRefund(trade, outRequestNo)
  return answer('Y')
}

function refundQuery(state: AlipayState, biz: Record<string, unknown>): Payload {
  const trade = find(state, biz)
  if (isPayload(trade)) return trade
  const outRequestNo = typeof biz.out_request_no === 'string' ? biz.out_request_no : ''
  const r = trade.refunds.get(outRequestNo)
  const base = {
    code: '10000',
    msg: 'Success',
    trade_no: trade.tradeNo ?? '',
    out_trade_no: trade.outTradeNo,
  }
  if (!r) return base
  return {
    ...base,
    out_request_no: r.outRequestNo,
    total_amount: yuan(trade.total),
    refund_amount: yuan(r.amount),
    refund_status: 'REFUND_SUCCESS',
    gmt_refund_pay: beijing(r.at),
  }
}

/** Answers one OpenAPI method (the payment-page methods are the cashier's, not here). */
export function dispatch(
  state: AlipayState,
  method: string,
  biz: Record<string, unknown>,
  urls: { notifyUrl: string | null; returnUrl: string | null },
): Payload | null {
  switch (method) {
    case 'alipay.trade.precreate': {
      const trade = openTrade(state, { method, biz, ...urls })
      if (isPayload(trade)) return trade
      return {
        code: '10000',
        msg: 'Success',
        out_trade_no: trade.outTradeNo,
        qr_code: `${state.baseUrl()}/_sim/alipay/pay?out_trade_no=${encodeURIComponent(trade.outTradeNo)}`,
      }
    }
    case 'alipay.trade.query': {
      const trade = find(state, biz)
      return isPayload(trade) ? trade : tradeJson(trade)
    }
    case 'alipay.trade.close': {
      const trade = find(state, biz)
      if (isPayload(trade)) return trade
      if (trade.status === 'TRADE_CLOSED') return business('ACQ.TRADE_HAS_CLOSE', '交易已经关闭')
      if (trade.status !== 'WAIT_BUYER_PAY') return business('ACQ.TRADE_STATUS_ERROR', '交易状态不合法')
      trade.status = 'TRADE_CLOSED'
      return { code: '10000', msg: 'Success', out_trade_no: trade.outTradeNo }
    }
    case 'alipay.trade.refund':
      return refund(state, biz)
    case 'alipay.trade.fastpay.refund.query':
      return refundQuery(state, biz)
    default:
      return null
  }
}
