import type { Order, ProviderRefund, Refund } from '@loopkit/core'
import { isLoopError } from '@loopkit/core'
import { wechatError } from '../_internal/errors.js'
import { parseAnswer } from '../_internal/parse-answer.js'
import { refundAnswer } from './answers.js'
import type { PayClient } from './client.js'
import type { ResolvedOptions } from './options.js'
import { refundStatusOf } from './refund.js'

/**
 * Queries a refund by its `out_refund_no` (查询单笔退款, `GET /v3/refund/domestic/refunds/{out_refund_no}`).
 * `null` when WeChat has no such refund (`404 RESOURCE_NOT_EXISTS`): the request never reached
 * it, so the same refund may be requested again with the same `out_refund_no`.
 */
export async function queryWechatRefund(
  _options: ResolvedOptions,
  client: PayClient,
  input: { order: Order; refund: Refund },
): Promise<ProviderRefund | null> {
  const { order, refund } = input
  let answer: unknown
  try {
    answer = (
      await client({
        method: 'GET',
        path: `/v3/refund/domestic/refunds/${encodeURIComponent(refund.number)}`,
      })
    ).data
  } catch (e) {
    if (isLoopError(e) && e.code === 'not_found') return null
    throw e
  }
  const data = parseAnswer(refundAnswer, answer, 'WeChat Pay refund query', { retryable: true })
  if (data.out_refund_no !== refund.number || (data.out_trade_no && data.out_trade_no !== order.number)) {
    throw wechatError(
      'conflict',
      `WeChat Pay answered refund ${data.out_refund_no} of order ${data.out_trade_no ?? '?'} for refund ${refund.number} of order ${order.number}.`,
    )
  }
  const status = refundStatusOf[data.status]
  if (!status) throw wechatError('provider_error', `Unknown refund status \`${String(data.status)}\`.`)
  return {
    status,
    refundNumber: data.out_refund_no,
    providerRef: data.refund_id ?? null,
    amount: data.amount?.refund ?? 0,
  }
}
