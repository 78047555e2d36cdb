import type { RefundInput, RefundOutput } from '@loopkit/core'
import { alipayError } from '../_internal/errors.js'
import { fenToYuan, yuanToFen } from './amount.js'
import type { GatewayClient } from './client.js'

/** A refund as `alipay.trade.fastpay.refund.query` reports it. */
export interface AlipayRefundStatus {
  status: 'succeeded' | 'pending'
  /** This refund's amount in fen. */
  amount: number
  /** `<trade_no>/<out_request_no>`: Alipay names a refund by the trade and the request number. */
  providerRef: string | null
}

/** Alipay has no refund id: a refund is its trade plus the merchant's `out_request_no`. */
export function refundRef(tradeNo: unknown, outRequestNo: string): string | null {
  return typeof tradeNo === 'string' && tradeNo ? `${tradeNo}/${outRequestNo}` : null
}

/** `reason` is capped at 256 characters. */
function clip(text: string, max: number): string {
  const chars = Array.from(text)
  return chars.length > max ? chars.slice(0, max).join('') : text
}

/**
 * `alipay.trade.fastpay.refund.query`: the outcome of one refund request by its `out_request_no`
 * (the refund's number). `null` when Alipay has no such refund, so it did not happen and the same
 * refund may be requested again.
 *
 * @example
 * ```ts
 * const adapter = alipayPayments(options)
 * await adapter.queryRefund({ order, refund }) // { status: 'succeeded', refundNumber: refund.number, amount: 4000, … }
 * ```
 */
export async function queryAlipayRefund(
  client: GatewayClient,
  input: { orderNumber: string; refundNumber: string },
): Promise<AlipayRefundStatus | null> {
  const r = await client({
    method: 'alipay.trade.fastpay.refund.query',
    bizContent: { out_trade_no: input.orderNumber, out_request_no: input.refundNumber },
    repeatable: true,
  })
  if (typeof r.refund_amount !== 'string' || r.refund_amount === '') return null
  if (r.out_request_no !== undefined && r.out_request_no !== input.refundNumber)
    throw alipayError('conflict', `Alipay answered a refund query for another request.`)
  // Newer answers say REFUND_SUCCESS; older ones (and some products) answer the refund without a
  // status once it succeeded, and Alipay documents an answer with refund data as a success.
  const status =
    r.refund_status === undefined || r.refund_status === 'REFUND_SUCCESS' ? 'succeeded' : 'pending'
  return {
    status,
    amount: yuanToFen(r.refund_amount),
    providerRef: refundRef(r.trade_no, input.refundNumber),
  }
}

/**
 * `alipay.trade.refund`, full or partial. `out_request_no` is the refund's number, so repeating the
 * call (a timeout, a crash, a retry) refunds once: Alipay answers the first refund again with
 * `fund_change: "N"`, which is then confirmed by a refund query.
 */
export async function refundAlipayPayment(client: GatewayClient, input: RefundInput): Promise<RefundOutput> {
  const { order, refund } = input
  if (!Number.isSafeInteger(refund.amount) || refund.amount <= 0 || refund.amount > order.total)
    throw alipayError('invalid_input', `Refund amount must be 1..${order.total} fen, got ${refund.amount}.`)
  const data = await client({
    method: 'alipay.trade.refund',
    bizContent: {
      out_trade_no: order.number,
      ...(order.providerRef ? { trade_no: order.providerRef } : {}),
      refund_amount: fenToYuan(refund.amount),
      out_request_no: refund.number,
      ...(refund.reason ? { refund_reason: clip(refund.reason, 256) } : {}),
    },
    repeatable: true,
  })
  if (data.fund_change === 'Y')
    return { status: 'succeeded', providerRef: refundRef(data.trade_no, refund.number) }
  const found = await queryAlipayRefund(client, { orderNumber: order.number, refundNumber: refund.number })
  if (found && found.amount !== refund.amount)
    throw alipayError('conflict', `Refund ${refund.number} exists at Alipay with another amount.`)
  return {
    status: found?.status ?? 'pending',
    providerRef: found?.providerRef ?? refundRef(data.trade_no, refund.number),
  }
}
