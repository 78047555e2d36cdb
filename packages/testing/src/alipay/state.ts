/** `trade_status` of a simulated trade. */
export type TradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED' | 'TRADE_FINISHED'

/** A refund request as the simulated Alipay keeps it. */
export interface SimAlipayRefund {
  outRequestNo: string
  amount: number
  reason: string | null
  at: number
}

/** A trade as the simulated Alipay keeps it (amounts in fen). */
export interface SimTrade {
  outTradeNo: string
  method: string
  productCode: string
  subject: string
  total: number
  notifyUrl: string | null
  returnUrl: string | null
  timeExpire: number | null
  /** The business parameters, canonicalized, to tell a repeat from a changed trade. */
  params: string
  status: TradeStatus
  tradeNo: string | null
  buyerId: string | null
  createdAt: number
  paidAt: number | null
  refunds: Map<string, SimAlipayRefund>
  refunded: number
}

/** Fen as Alipay's decimal yuan string. */
export function yuan(fen: number): string {
  const s = String(fen).padStart(3, '0')
  return `${s.slice(0, -2)}.${s.slice(-2)}`
}

/** Alipay's decimal yuan (two decimals at most) in fen, or null when malformed. */
export function fen(value: unknown): number | null {
  const m = typeof value === 'string' ? /^(0|[1-9]\d{0,8})(?:\.(\d{1,2}))?$/.exec(value) : null
  return m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : null
}

/** `yyyy-MM-dd HH:mm:ss`, Beijing time. */
export function beijing(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000 + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ')
}

export function parseBeijing(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return null
  const ms = Date.parse(`${value.replace(' ', 'T')}+08:00`)
  return Number.isNaN(ms) ? null : ms
}

/** The `alipay.trade.query` answer body of a trade. */
export function tradeJson(t: SimTrade): Record<string, string> {
  return {
    code: '10000',
    msg: 'Success',
    out_trade_no: t.outTradeNo,
    ...(t.tradeNo ? { trade_no: t.tradeNo } : {}),
    trade_status: t.status,
    total_amount: yuan(t.total),
    ...(t.paidAt
      ? {
          buyer_logon_id: 'buy***@example.com',
          buyer_user_id: t.buyerId ?? '',
          buyer_pay_amount: yuan(t.total),
          receipt_amount: yuan(t.total),
          send_pay_date: beijing(t.paidAt),
        }
      : { buyer_pay_amount: '0.00' }),
  }
}
