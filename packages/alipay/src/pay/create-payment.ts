import type { CreatePaymentInput, CreatePaymentOutput } from '@loopkit/core'
import { alipayError } from '../_internal/errors.js'
import { fenToYuan } from './amount.js'
import { type GatewayClient, signedParams } from './client.js'
import type { ResolvedOptions } from './options.js'
import { beijingTime } from './time.js'

/**
 * The ways to pay with Alipay that `createPayment({ method })` accepts: `wap` (mobile browser,
 * `alipay.trade.wap.pay`, the default), `page` (desktop, `alipay.trade.page.pay`), `app` (the order
 * string for the Alipay app SDK, `alipay.trade.app.pay`) and `qr` (a code to scan, `alipay.trade.precreate`).
 *
 * @example
 * ```ts
 * await loop.checkout({ customerId, lines, method: 'qr' }) // picks the provider that serves `qr`
 * ```
 */
export const alipayMethods = ['wap', 'page', 'app', 'qr'] as const
/** One of {@link alipayMethods}: the `method` of an Alipay checkout. */
export type AlipayMethod = (typeof alipayMethods)[number]

const api: Record<AlipayMethod, { method: string; productCode: string }> = {
  wap: { method: 'alipay.trade.wap.pay', productCode: 'QUICK_WAP_WAY' },
  page: { method: 'alipay.trade.page.pay', productCode: 'FAST_INSTANT_TRADE_PAY' },
  app: { method: 'alipay.trade.app.pay', productCode: 'QUICK_MSECURITY_PAY' },
  qr: { method: 'alipay.trade.precreate', productCode: 'FACE_TO_FACE_PAYMENT' },
}

/** Alipay's `out_trade_no`: at most 64 letters, digits and underscores. */
const OUT_TRADE_NO = /^[0-9A-Za-z_]{1,64}$/

function clip(text: string, max: number): string {
  const chars = Array.from(text)
  return chars.length > max ? chars.slice(0, max).join('') : text
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** An auto-submitting form that posts the signed parameters to the gateway (what the SDK's `pageExec` builds). */
function autoSubmitForm(gateway: string, params: Record<string, string>): string {
  const inputs = Object.entries(params)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('')
  const action = `${gateway}${gateway.includes('?') ? '&' : '?'}charset=utf-8`
  return `<form name="alipay_submit" method="post" action="${escapeHtml(action)}">${inputs}</form><script>document.forms.alipay_submit.submit()</script>`
}

function pickMethod(input: CreatePaymentInput): AlipayMethod {
  const method = input.method ?? 'wap'
  if (!(alipayMethods as readonly string[]).includes(method))
    throw alipayError(
      'invalid_input',
      `Unknown Alipay method \`${method}\`; use one of ${alipayMethods.join(', ')}.`,
    )
  return method as AlipayMethod
}

/**
 * Builds the buyer's next step. `wap`, `page` and `app` are signed parameters the buyer's browser or
 * app takes to Alipay (no server call); `qr` asks the gateway for a code (`alipay.trade.precreate`).
 */
export async function createAlipayPayment(
  options: ResolvedOptions,
  client: GatewayClient,
  input: CreatePaymentInput,
): Promise<CreatePaymentOutput> {
  const method = pickMethod(input)
  const { order } = input
  if (order.currency !== 'CNY')
    throw alipayError(
      'invalid_input',
      `Alipay settles in CNY; order ${order.number} is in ${order.currency}.`,
    )
  if (!OUT_TRADE_NO.test(order.number))
    throw alipayError(
      'invalid_input',
      `Order number \`${order.number}\` is not a valid Alipay \`out_trade_no\`.`,
    )
  if (order.total <= 0) throw alipayError('invalid_input', 'Alipay needs a positive amount.')
  const bizContent: Record<string, unknown> = {
    out_trade_no: order.number,
    total_amount: fenToYuan(order.total),
    subject: clip(input.description || order.number, 256),
    product_code: api[method].productCode,
    // The trade can no longer be paid once the loop's order has expired and released its stock.
    time_expire: beijingTime(order.expiresAt),
  }
  if (method === 'wap' && input.returnUrl) bizContent.quit_url = input.returnUrl
  const call = {
    method: api[method].method,
    bizContent,
    notifyUrl: options.notifyPath ? new URL(options.notifyPath, input.notifyUrl).toString() : input.notifyUrl,
    ...(input.returnUrl && (method === 'wap' || method === 'page') ? { returnUrl: input.returnUrl } : {}),
  }
  if (method === 'qr') {
    // precreate is idempotent by out_trade_no with the same parameters: a timed-out call may be repeated.
    const payload = await client({ ...call, repeatable: true })
    if (typeof payload.qr_code !== 'string' || !payload.qr_code)
      throw alipayError('provider_error', 'Alipay answered a precreate without `qr_code`.')
    return { providerRef: null, action: { type: 'qr', codeUrl: payload.qr_code } }
  }
  const params = signedParams(options, call)
  if (method === 'app')
    return {
      providerRef: null,
      action: { type: 'app', params: { orderString: new URLSearchParams(params).toString() } },
    }
  if (method === 'page')
    return { providerRef: null, action: { type: 'form', html: autoSubmitForm(options.gateway, params) } }
  const url = new URL(options.gateway)
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
  return { providerRef: null, action: { type: 'redirect', url: url.toString() } }
}
