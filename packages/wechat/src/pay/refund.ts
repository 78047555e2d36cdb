import type { RefundInput, RefundOutput } from '@loopkit/core'
import { wechatError } from '../_internal/errors.js'
import { parseAnswer } from '../_internal/parse-answer.js'
import { refundAnswer } from './answers.js'
import type { PayClient } from './client.js'
import type { ResolvedOptions } from './options.js'
import type { WechatRefund } from './vendor-types.js'

/** WeChat's refund `status` as Loopkit's (`ABNORMAL`: the payout failed, handled as failed). */
export const refundStatusOf: Record<WechatRefund['status'], RefundOutput['status']> = {
  SUCCESS: 'succeeded',
  PROCESSING: 'pending',
  CLOSED: 'failed',
  ABNORMAL: 'failed',
}

/** `reason` is capped at 80 bytes; cut on a character boundary. */
function clipBytes(text: string, max: number): string {
  let out = ''
  for (const ch of text) {
    if (Buffer.byteLength(out + ch, 'utf8') > max) break
    out += ch
  }
  return out
}

/**
 * Requests a full or partial refund. `out_refund_no` is the refund's number, so repeating the call
 * (after a timeout, a crash, a retry) refunds once: WeChat answers with the existing refund.
 */
export async function refundWechatPayment(
  _options: ResolvedOptions,
  client: PayClient,
  input: RefundInput,
): Promise<RefundOutput> {
  const { order, refund } = input
  if (!Number.isSafeInteger(refund.amount) || refund.amount <= 0 || refund.amount > order.total) {
    throw wechatError('invalid_input', `Refund amount must be 1..${order.total} fen, got ${refund.amount}.`)
  }
  const body: Record<string, unknown> = {
    ...(order.providerRef ? { transaction_id: order.providerRef } : { out_trade_no: order.number }),
    out_refund_no: refund.number,
    ...(refund.reason ? { reason: clipBytes(refund.reason, 80) } : {}),
    notify_url: input.notifyUrl,
    amount: { refund: refund.amount, total: order.total, currency: 'CNY' },
  }
  const answer = await client({
    method: 'POST',
    path: '/v3/refund/domestic/refunds',
    json: body,
    repeatable: true,
  })
  const data = parseAnswer(refundAnswer, answer.data, 'WeChat Pay refund')
  if (!data.refund_id)
    throw wechatError('provider_error', 'WeChat Pay answered a refund without `refund_id`.')
  if (data.out_refund_no !== refund.number) {
    throw wechatError(
      'conflict',
      `WeChat Pay answered refund ${data.out_refund_no} for request ${refund.number}.`,
    )
  }
  const status = refundStatusOf[data.status]
  if (!status) throw wechatError('provider_error', `Unknown refund status \`${String(data.status)}\`.`)
  return { status, providerRef: data.refund_id }
}
