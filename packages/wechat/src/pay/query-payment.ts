import type { ProviderPayment } from '@loopkit/core'
import { isLoopError } from '@loopkit/core'
import { wechatError } from '../_internal/errors.js'
import { parseAnswer } from '../_internal/parse-answer.js'
import { transactionAnswer } from './answers.js'
import type { PayClient } from './client.js'
import type { ResolvedOptions } from './options.js'
import { parseTime } from './time.js'
import type { WechatTransaction } from './vendor-types.js'

const statusOf: Record<WechatTransaction['trade_state'], ProviderPayment['status']> = {
  SUCCESS: 'succeeded',
  REFUND: 'refunded',
  NOTPAY: 'pending',
  USERPAYING: 'pending',
  ACCEPT: 'pending',
  CLOSED: 'closed',
  REVOKED: 'closed',
  PAYERROR: 'failed',
}

/** A WeChat transaction as Loopkit's provider view; `amount` is the order total in fen. */
export function toProviderPayment(
  tx: Pick<WechatTransaction, 'trade_state' | 'out_trade_no'> & {
    transaction_id?: string | undefined
    success_time?: string | undefined
    amount?: { total?: number | undefined; currency?: string | undefined } | undefined
  },
): ProviderPayment {
  const status = statusOf[tx.trade_state]
  if (!status) throw wechatError('provider_error', `Unknown trade_state \`${String(tx.trade_state)}\`.`)
  return {
    status,
    orderNumber: tx.out_trade_no,
    providerRef: tx.transaction_id || null,
    amount: tx.amount?.total ?? 0,
    currency: tx.amount?.currency ?? 'CNY',
    paidAt: parseTime(tx.success_time),
  }
}

/** Queries by WeChat transaction id when known, else by `out_trade_no`; `null` when WeChat has no such order. */
export async function queryWechatPayment(
  options: ResolvedOptions,
  client: PayClient,
  input: { orderNumber: string; providerRef?: string | null },
): Promise<ProviderPayment | null> {
  const path = input.providerRef
    ? `/v3/pay/transactions/id/${encodeURIComponent(input.providerRef)}`
    : `/v3/pay/transactions/out-trade-no/${encodeURIComponent(input.orderNumber)}`
  let data: unknown
  try {
    data = (await client({ method: 'GET', path, query: { mchid: options.mchid } })).data
  } catch (e) {
    if (isLoopError(e) && e.code === 'not_found') return null
    throw e
  }
  if (data === null) throw wechatError('provider_error', 'WeChat Pay answered a query with an empty body.')
  const tx = parseAnswer(transactionAnswer, data, 'WeChat Pay transaction query', { retryable: true })
  if (tx.mchid !== options.mchid) {
    throw wechatError(
      'forbidden',
      `WeChat Pay answered with a transaction of merchant ${tx.mchid}, not the configured \`mchid\`.`,
    )
  }
  if (tx.out_trade_no !== input.orderNumber) {
    throw wechatError(
      'conflict',
      `Transaction ${input.providerRef ?? ''} belongs to order ${tx.out_trade_no}, not ${input.orderNumber}.`,
    )
  }
  return toProviderPayment(tx)
}

/** Closes an unpaid order (`204`). Closing a closed order is a no-op; a paid one is `invalid_transition` (`ORDERPAID`). */
export async function closeWechatPayment(
  options: ResolvedOptions,
  client: PayClient,
  input: { orderNumber: string },
): Promise<void> {
  try {
    await client({
      method: 'POST',
      path: `/v3/pay/transactions/out-trade-no/${encodeURIComponent(input.orderNumber)}/close`,
      json: { mchid: options.mchid },
      repeatable: true,
    })
  } catch (e) {
    if (isLoopError(e) && e.providerCode?.replace(/_/g, '').toUpperCase() === 'ORDERCLOSED') return
    throw e
  }
}
