import type { WebhookEvent } from '@loopkit/core'
import { alipayError, printable } from '../_internal/errors.js'
import { yuanToFen } from './amount.js'
import type { GatewayClient } from './client.js'
import type { ResolvedOptions } from './options.js'
import { queryAlipayRefund } from './refund.js'
import { parseBeijingTime } from './time.js'
import { verifyAlipayNotification } from './verify-notify.js'

function invalid(message: string): never {
  throw alipayError('invalid_input', message)
}

function field(params: Record<string, string>, name: string): string {
  const value = params[name]
  if (!value) invalid(`The Alipay notification lacks \`${name}\`.`)
  return value
}

/**
 * Verifies an Alipay asynchronous notification on its raw form body, checks it is for this
 * application (`app_id`) and seller (`seller_id`, when configured), and normalizes it:
 * `TRADE_SUCCESS` / `TRADE_FINISHED` are `payment.succeeded` with `total_amount` in fen; a refund
 * notice (it carries `out_biz_no`, the refund's number) is confirmed by querying that refund back
 * and reports that refund's own amount; anything else is acknowledged and ignored. The event id is
 * `notify_id`, which Alipay keeps across retries.
 */
export async function parseAlipayWebhook(
  options: ResolvedOptions,
  client: GatewayClient,
  input: { body: Uint8Array; headers: Headers },
): Promise<WebhookEvent> {
  const params = verifyAlipayNotification({
    body: input.body,
    contentType: input.headers.get('content-type'),
    publicKey: options.alipayPublicKey,
  })
  if (params.app_id !== options.appId)
    throw alipayError(
      'forbidden',
      `Notification for app \`${printable(String(params.app_id))}\`; nothing was accepted.`,
    )
  if (options.sellerId && params.seller_id !== options.sellerId)
    throw alipayError(
      'forbidden',
      `Notification for seller \`${printable(String(params.seller_id))}\`; nothing was accepted.`,
    )
  const eventId = field(params, 'notify_id')
  if (params.notify_type !== 'trade_status_sync')
    return {
      kind: 'ignored',
      eventId,
      reason: `Alipay notify_type ${printable(String(params.notify_type))} is not handled.`,
    }
  const orderNumber = field(params, 'out_trade_no')
  const tradeNo = field(params, 'trade_no')
  const status = field(params, 'trade_status')
  const total = yuanToFen(field(params, 'total_amount'))

  if (params.out_biz_no) {
    // A refund notice: `refund_fee` is the trade's cumulative refunded sum, not this refund's, so
    // the refund itself is asked for by its number (out_request_no = out_biz_no).
    const refundNumber = params.out_biz_no
    const refund = await queryAlipayRefund(client, { orderNumber, refundNumber })
    if (!refund || refund.status !== 'succeeded')
      throw alipayError('provider_error', `Alipay does not confirm refund ${printable(refundNumber)} yet.`, {
        retryable: true,
      })
    return {
      kind: 'refund.succeeded',
      eventId,
      orderNumber,
      refundNumber,
      providerRef: refund.providerRef,
      amount: refund.amount,
      currency: 'CNY',
    }
  }
  if (status === 'TRADE_SUCCESS' || status === 'TRADE_FINISHED') {
    return {
      kind: 'payment.succeeded',
      eventId,
      orderNumber,
      providerRef: tradeNo,
      amount: total,
      currency: 'CNY',
      paidAt: parseBeijingTime(params.gmt_payment) ?? options.now(),
    }
  }
  if (status === 'TRADE_CLOSED' || status === 'WAIT_BUYER_PAY')
    return { kind: 'ignored', eventId, reason: `Alipay trade ${printable(orderNumber)} is ${status}.` }
  return invalid(`Unknown trade_status \`${printable(status)}\`.`)
}

/**
 * Alipay's acknowledgement: the 7-character plain text `success` when accepted; otherwise `fail`
 * with a 4xx/5xx status, so Alipay retries on its schedule (it only looks for `success`).
 *
 * @example
 * ```ts
 * await alipayWebhookResponse({ ok: true }).text() // "success"
 * ```
 */
export function alipayWebhookResponse(input: {
  ok: boolean
  error?: { code: string; message: string }
}): Response {
  const headers = { 'Content-Type': 'text/plain; charset=utf-8' }
  if (input.ok) return new Response('success', { status: 200, headers })
  const code = input.error?.code
  const status =
    code === 'signature_invalid' || code === 'timestamp_out_of_window'
      ? 401
      : code === 'invalid_input' || code === 'forbidden' || code === 'amount_mismatch'
        ? 400
        : 500
  return new Response('fail', { status, headers })
}
