import { isLoopError, type ProviderPayment } from '@loopkit/core'
import { alipayError, printable } from '../_internal/errors.js'
import { yuanToFen } from './amount.js'
import type { GatewayClient } from './client.js'
import { parseBeijingTime } from './time.js'

const statusOf: Readonly<Record<string, ProviderPayment['status']>> = {
  WAIT_BUYER_PAY: 'pending',
  TRADE_SUCCESS: 'succeeded',
  // Paid, and past the refundable period (or a product without refunds).
  TRADE_FINISHED: 'succeeded',
  // Unpaid and closed (expired or closed by the merchant), or closed by a full refund.
  TRADE_CLOSED: 'closed',
}

/** `alipay.trade.query` by `out_trade_no`; `null` when Alipay has no such trade (`ACQ.TRADE_NOT_EXIST`). */
export async function queryAlipayPayment(
  client: GatewayClient,
  input: { orderNumber: string; providerRef?: string | null },
): Promise<ProviderPayment | null> {
  let tx: Record<string, unknown>
  try {
    tx = await client({
      method: 'alipay.trade.query',
      bizContent: {
        out_trade_no: input.orderNumber,
        ...(input.providerRef ? { trade_no: input.providerRef } : {}),
      },
      repeatable: true,
    })
  } catch (e) {
    if (isLoopError(e) && e.code === 'not_found') return null
    throw e
  }
  if (tx.out_trade_no !== input.orderNumber)
    throw alipayError('conflict', `Alipay answered a query with trade ${printable(String(tx.out_trade_no))}.`)
  const status = statusOf[String(tx.trade_status)]
  if (!status)
    throw alipayError('provider_error', `Unknown trade_status \`${printable(String(tx.trade_status))}\`.`)
  return {
    status,
    orderNumber: input.orderNumber,
    providerRef: typeof tx.trade_no === 'string' && tx.trade_no ? tx.trade_no : null,
    amount: yuanToFen(String(tx.total_amount)),
    currency: 'CNY',
    paidAt: status === 'succeeded' ? parseBeijingTime(tx.send_pay_date) : null,
  }
}

/**
 * `alipay.trade.close`: an unpaid trade can no longer be paid. Closing a closed trade is a no-op; a
 * trade the buyer never opened is `not_found` (`ACQ.TRADE_NOT_EXIST`), which the loop accepts since
 * `time_expire` already bounds it; a paid one is `invalid_transition`.
 */
export async function closeAlipayPayment(
  client: GatewayClient,
  input: { orderNumber: string },
): Promise<void> {
  try {
    await client({
      method: 'alipay.trade.close',
      bizContent: { out_trade_no: input.orderNumber },
      repeatable: true,
    })
  } catch (e) {
    if (isLoopError(e) && e.providerCode === 'ACQ.TRADE_HAS_CLOSE') return
    throw e
  }
}
