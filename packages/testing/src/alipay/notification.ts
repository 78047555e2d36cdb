import type { KeyObject } from 'node:crypto'
import { notifyContent, rsa2 } from './crypto.js'
import { beijing, type SimTrade, yuan } from './state.js'

/**
 * The parameters of an asynchronous notification for a trade, as Alipay posts them (`gmt_create`
 * first, then Alipay's usual order), with `extra` ones such as a refund's `out_biz_no`.
 */
export function notificationParams(input: {
  trade: SimTrade
  notifyId: string
  /** When this attempt is sent: `notify_time`. */
  at: number
  appId: string
  sellerId: string
  extra?: Record<string, string>
}): Record<string, string> {
  const { trade } = input
  return {
    gmt_create: beijing(trade.createdAt),
    charset: 'utf-8',
    seller_email: 'shop@example.com',
    subject: trade.subject,
    buyer_id: trade.buyerId ?? '',
    invoice_amount: yuan(trade.total),
    notify_id: input.notifyId,
    fund_bill_list: JSON.stringify([{ amount: yuan(trade.total), fundChannel: 'ALIPAYACCOUNT' }]),
    notify_type: 'trade_status_sync',
    trade_status: trade.status,
    receipt_amount: yuan(trade.total),
    app_id: input.appId,
    buyer_pay_amount: yuan(trade.total),
    seller_id: input.sellerId,
    ...(trade.paidAt ? { gmt_payment: beijing(trade.paidAt) } : {}),
    notify_time: beijing(input.at),
    version: '1.0',
    out_trade_no: trade.outTradeNo,
    total_amount: yuan(trade.total),
    trade_no: trade.tradeNo ?? '',
    auth_app_id: input.appId,
    point_amount: '0.00',
    ...input.extra,
  }
}

/** Signs notification parameters as Alipay does (RSA2, `sign_type` added but not signed) and form-encodes them. */
export function signNotification(params: Record<string, string>, key: KeyObject): string {
  const unsigned = { ...params, sign_type: 'RSA2' }
  return new URLSearchParams({ ...unsigned, sign: rsa2(notifyContent(unsigned), key) }).toString()
}
