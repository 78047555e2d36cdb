import type { WebhookEvent } from '@loopkit/core'
import { printable, wechatError } from '../_internal/errors.js'
import { decryptResource } from './decrypt-resource.js'
import type { ResolvedOptions } from './options.js'
import { parseTime } from './time.js'
import type { WechatNotification, WechatRefundNotice, WechatTransaction } from './vendor-types.js'
import type { MessageVerifier } from './verify-message.js'

const refundKinds: Readonly<Record<string, 'refund.succeeded' | 'refund.failed'>> = {
  'REFUND.SUCCESS': 'refund.succeeded',
  'REFUND.ABNORMAL': 'refund.failed',
  'REFUND.CLOSED': 'refund.failed',
}

function invalid(message: string): never {
  throw wechatError('invalid_input', message)
}

function parseEnvelope(body: Uint8Array): WechatNotification {
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'))
  } catch {
    invalid('WeChat Pay notification body is not JSON.')
  }
  const n = json as Partial<WechatNotification> | null
  const r = n?.resource
  if (typeof n?.id !== 'string' || typeof n.event_type !== 'string' || typeof r !== 'object' || r === null) {
    invalid('WeChat Pay notification lacks `id`, `event_type` or `resource`.')
  }
  if (typeof r.ciphertext !== 'string' || typeof r.nonce !== 'string' || typeof r.algorithm !== 'string') {
    invalid('WeChat Pay notification resource lacks `ciphertext`, `nonce` or `algorithm`.')
  }
  return n as WechatNotification
}

function decryptJson<T>(options: ResolvedOptions, n: WechatNotification): T {
  const text = decryptResource({ apiV3Key: options.apiV3Key, resource: n.resource })
  try {
    return JSON.parse(text) as T
  } catch {
    return invalid('Decrypted WeChat Pay resource is not JSON.')
  }
}

function checkMerchant(options: ResolvedOptions, mchid: unknown): void {
  if (mchid !== options.mchid) {
    throw wechatError(
      'forbidden',
      `Notification is for merchant \`${printable(String(mchid))}\`, not the configured \`mchid\`; nothing was accepted.`,
    )
  }
}

/**
 * Verifies a WeChat Pay notification on its raw bytes (signature, 300 s window, serial — with the
 * platform certificates too in certificate mode), decrypts the
 * resource, checks it is for this merchant and app, and normalizes it. The `amount` returned is the
 * order total in fen for the loop to compare with the stored order.
 */
export async function parseWechatWebhook(
  options: ResolvedOptions,
  input: { body: Uint8Array; headers: Headers },
  verify: MessageVerifier,
): Promise<WebhookEvent> {
  if (!(input.body instanceof Uint8Array)) {
    throw wechatError(
      'invalid_input',
      'parseWebhook needs the raw body bytes (Uint8Array); a re-serialized object cannot be verified.',
    )
  }
  await verify({ headers: input.headers, body: input.body })
  const n = parseEnvelope(input.body)

  if (n.event_type === 'TRANSACTION.SUCCESS') {
    const tx = decryptJson<WechatTransaction>(options, n)
    checkMerchant(options, tx.mchid)
    if (
      tx.appid !== options.appid &&
      tx.appid !== options.miniProgramAppid &&
      tx.appid !== options.appAppid
    ) {
      throw wechatError(
        'forbidden',
        `Notification is for appid \`${printable(String(tx.appid))}\`, not a configured one; nothing was accepted.`,
      )
    }
    if (tx.trade_state !== 'SUCCESS' || !tx.transaction_id || typeof tx.out_trade_no !== 'string') {
      invalid(
        `TRANSACTION.SUCCESS notification ${printable(n.id)} has trade_state ${printable(String(tx.trade_state))} or lacks ids.`,
      )
    }
    const amount = tx.amount?.total
    if (!Number.isSafeInteger(amount)) invalid('TRANSACTION.SUCCESS notification lacks `amount.total`.')
    return {
      kind: 'payment.succeeded',
      eventId: n.id,
      orderNumber: tx.out_trade_no,
      providerRef: tx.transaction_id,
      amount: amount as number,
      currency: tx.amount?.currency ?? 'CNY',
      paidAt: parseTime(tx.success_time) ?? options.now(),
    }
  }

  const refundKind = refundKinds[n.event_type]
  if (refundKind) {
    const r = decryptJson<WechatRefundNotice>(options, n)
    checkMerchant(options, r.mchid)
    if (
      typeof r.out_trade_no !== 'string' ||
      typeof r.out_refund_no !== 'string' ||
      !Number.isSafeInteger(r.amount?.refund)
    ) {
      invalid(`${n.event_type} notification ${printable(n.id)} lacks order, refund number or amount.`)
    }
    return {
      kind: refundKind,
      eventId: n.id,
      orderNumber: r.out_trade_no,
      refundNumber: r.out_refund_no,
      providerRef: r.refund_id || null,
      amount: r.amount.refund,
      currency: 'CNY',
    }
  }

  return {
    kind: 'ignored',
    eventId: n.id,
    reason: `WeChat Pay event ${printable(n.event_type)} is not handled by Loopkit.`,
  }
}

/**
 * WeChat Pay's acknowledgement: `204` when accepted; otherwise a 4xx/5xx JSON
 * `{"code":"FAIL","message":"…"}` so WeChat retries on its schedule (it only looks at the status).
 *
 * @example
 * ```ts
 * wechatWebhookResponse({ ok: false, error: { code: 'signature_invalid', message: 'bad signature' } }).status // 401
 * ```
 */
export function wechatWebhookResponse(input: {
  ok: boolean
  error?: { code: string; message: string }
}): Response {
  if (input.ok) return new Response(null, { status: 204 })
  const code = input.error?.code
  const status =
    code === 'signature_invalid' || code === 'timestamp_out_of_window'
      ? 401
      : code === 'invalid_input' || code === 'forbidden' || code === 'amount_mismatch'
        ? 400
        : 500
  return Response.json({ code: 'FAIL', message: input.error?.message ?? '失败' }, { status })
}
