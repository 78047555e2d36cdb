/** `trade_state` of a simulated order. */
export type TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'PAYERROR'
/**
 * A simulated refund's WeChat Pay status.
 * @inline
 */
export type RefundStatus = 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL'

export interface SimOrder {
  appid: string
  mchid: string
  outTradeNo: string
  tradeType: 'JSAPI' | 'NATIVE' | 'APP' | 'MWEB'
  description: string
  notifyUrl: string
  total: number
  currency: string
  attach: string | null
  payerOpenid: string | null
  timeExpire: number
  createdAt: number
  /** The prepay request body, canonicalized, to tell a retry from a changed order. */
  params: string
  prepayId: string
  codeUrl: string | null
  h5Url: string | null
  state: TradeState
  transactionId: string | null
  successTime: number | null
  refunds: string[]
}

/**
 * A refund as the simulated WeChat Pay keeps it.
 * @inline
 */
export interface SimRefund {
  refundId: string
  outRefundNo: string
  outTradeNo: string
  transactionId: string
  refund: number
  total: number
  reason: string | null
  notifyUrl: string | null
  status: RefundStatus
  createdAt: number
  successTime: number | null
  params: string
}

/** RFC 3339 in +08:00, as WeChat Pay writes times. */
export function rfc3339(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000 + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`
}

const stateDesc: Record<TradeState, string> = {
  SUCCESS: '支付成功',
  REFUND: '转入退款',
  NOTPAY: '订单未支付',
  CLOSED: '订单已关闭',
  PAYERROR: '支付失败',
}

/** The transaction JSON of the query API and of `TRANSACTION.SUCCESS` resources. */
export function transactionJson(o: SimOrder): Record<string, unknown> {
  const paid = o.transactionId !== null
  return {
    appid: o.appid,
    mchid: o.mchid,
    out_trade_no: o.outTradeNo,
    ...(paid ? { transaction_id: o.transactionId } : {}),
    trade_type: o.tradeType,
    trade_state: o.state,
    trade_state_desc: stateDesc[o.state],
    ...(paid ? { bank_type: 'OTHERS', success_time: rfc3339(o.successTime!) } : {}),
    attach: o.attach ?? '',
    ...(paid && o.payerOpenid ? { payer: { openid: o.payerOpenid } } : {}),
    // Unpaid orders only carry payer_currency, as in WeChat's own samples.
    amount: paid
      ? { total: o.total, payer_total: o.total, currency: o.currency, payer_currency: o.currency }
      : { payer_currency: o.currency },
  }
}

export function refundJson(r: SimRefund): Record<string, unknown> {
  return {
    refund_id: r.refundId,
    out_refund_no: r.outRefundNo,
    transaction_id: r.transactionId,
    out_trade_no: r.outTradeNo,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    ...(r.successTime ? { success_time: rfc3339(r.successTime) } : {}),
    create_time: rfc3339(r.createdAt),
    status: r.status,
    funds_account: 'AVAILABLE',
    amount: {
      total: r.total,
      refund: r.refund,
      payer_total: r.total,
      payer_refund: r.refund,
      settlement_refund: r.refund,
      settlement_total: r.total,
      discount_refund: 0,
      currency: 'CNY',
      refund_fee: 0,
    },
  }
}

export function refundNoticeJson(r: SimRefund, mchid: string): Record<string, unknown> {
  return {
    mchid,
    out_trade_no: r.outTradeNo,
    transaction_id: r.transactionId,
    out_refund_no: r.outRefundNo,
    refund_id: r.refundId,
    refund_status: r.status,
    ...(r.successTime ? { success_time: rfc3339(r.successTime) } : {}),
    user_received_account: '支付用户零钱',
    amount: { total: r.total, refund: r.refund, payer_total: r.total, payer_refund: r.refund },
  }
}

/** Stable JSON with sorted keys, to compare request parameters. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}
