import type { Customer } from '../domain/customer.js'
import type { Order, Refund } from '../domain/order.js'
import type { LoopRoute } from './plugin.js'

/** What the buyer's client does next to pay. */
export type PaymentAction =
  /** WeChat JSAPI / mini-program: pass `params` to `WeixinJSBridge` or `wx.requestPayment`. */
  | { type: 'jsapi'; params: Record<string, string> }
  /** WeChat APP: pass `params` to the native SDK. */
  | { type: 'app'; params: Record<string, string> }
  /** Render `codeUrl` as a QR code (WeChat Native). */
  | { type: 'qr'; codeUrl: string }
  /** Send the browser to `url` (WeChat H5, Alipay, Stripe Checkout, the sandbox). */
  | { type: 'redirect'; url: string }
  /** Submit this HTML form (Alipay page pay). */
  | { type: 'form'; html: string }

/** The input of `PaymentAdapter.createPayment`. */
export interface CreatePaymentInput {
  order: Order
  customer: Customer
  /** Provider-specific flavour: `jsapi`, `miniprogram`, `native`, `h5`, `app`, … */
  method?: string
  /** Where the provider posts its webhooks (the loop's `/webhooks/<provider>` route). */
  notifyUrl: string
  /** Where the buyer returns after paying off-site. */
  returnUrl?: string
  clientIp?: string
  description: string
}

/**
 * The input of `PaymentAdapter.validatePayment`: what checkout knows before it writes anything —
 * the buyer, the provider-specific inputs and the order's amount, but no order yet.
 */
export interface ValidatePaymentInput {
  customer: Customer
  method?: string
  clientIp?: string
  returnUrl?: string
  /** Minor units. */
  total: number
  currency: string
}

/** What `PaymentAdapter.createPayment` returns: the provider's reference (if any) and the buyer's next step. */
export interface CreatePaymentOutput {
  providerRef: string | null
  action: PaymentAction
}

/** The provider's view of an order's payment. */
export interface ProviderPayment {
  status: 'pending' | 'succeeded' | 'closed' | 'failed' | 'refunded'
  orderNumber: string
  providerRef: string | null
  amount: number
  currency: string
  paidAt: number | null
}

/** The input of `PaymentAdapter.refund`: `refund.number` is the provider's idempotency key. */
export interface RefundInput {
  order: Order
  refund: Refund
  notifyUrl: string
}

/** What `PaymentAdapter.refund` returns: the provider's status of the refund. */
export interface RefundOutput {
  status: 'pending' | 'succeeded' | 'failed'
  providerRef: string | null
}

/** The provider's view of one refund (`PaymentAdapter.queryRefund`). */
export interface ProviderRefund {
  /** `pending` while the provider processes it; `failed` for a refund it closed or could not pay out. */
  status: 'pending' | 'succeeded' | 'failed'
  /** The refund's number (the idempotency key Loopkit sent). */
  refundNumber: string
  providerRef: string | null
  amount: number
}

/** A verified webhook, normalized. */
export type WebhookEvent =
  | {
      kind: 'payment.succeeded'
      eventId: string
      orderNumber: string
      providerRef: string
      amount: number
      currency: string
      paidAt: number
    }
  | {
      kind: 'refund.succeeded' | 'refund.failed'
      eventId: string
      orderNumber: string
      refundNumber: string
      providerRef: string | null
      amount: number
      currency: string
    }
  /** Verified but not for Loopkit (another product's event): acknowledged, nothing changes. */
  | { kind: 'ignored'; eventId: string; reason: string }

/**
 * A payment provider. `parseWebhook` must verify the signature on the raw bytes before parsing
 * and throw `LoopError('signature_invalid' | 'timestamp_out_of_window' | …)` otherwise.
 *
 * Prove an implementation with `testPaymentAdapter()` from `@loopkit/testing`.
 */
export interface PaymentAdapter {
  /** The route segment and the order's `provider`: `sandbox`, `wechat`, `alipay`, `stripe`. */
  readonly id: string
  /**
   * The checkout `method`s this adapter serves (`['jsapi', 'native', …]`, `['wap', 'qr', …]`). A loop
   * with several adapters picks the one that serves a checkout's `method`; absent means "only when
   * named as `provider`, or when it is the only adapter".
   */
  readonly methods?: readonly string[]
  /**
   * Checks what can be checked before checkout writes anything (the method is one the provider
   * supports, the inputs it needs are present, the currency is one it settles) and throws
   * `LoopError('invalid_input' | 'configuration')` otherwise. Checkout calls it before the order is
   * created and stock reserved, so a request the provider would refuse changes nothing.
   */
  validatePayment?(input: ValidatePaymentInput): void | Promise<void>
  createPayment(input: CreatePaymentInput): Promise<CreatePaymentOutput>
  /** `null` when the provider has no such order. */
  queryPayment(input: { orderNumber: string; providerRef?: string | null }): Promise<ProviderPayment | null>
  /** Closes an unpaid order at the provider so it can no longer be paid. */
  closePayment?(input: { orderNumber: string }): Promise<void>
  refund(input: RefundInput): Promise<RefundOutput>
  /**
   * The provider's state of a refund by its number; `null` when the provider has no such refund
   * (the request never reached it), so the refund may be sent again with the same number.
   * Refund reconciliation uses it; without it, a pending refund is re-sent (idempotent by number).
   */
  queryRefund?(input: { order: Order; refund: Refund }): Promise<ProviderRefund | null>
  parseWebhook(input: { body: Uint8Array; headers: Headers; url: string }): Promise<WebhookEvent>
  /** The reply the provider expects; default: 204 on success, 4xx JSON on failure. */
  webhookResponse?(input: { ok: boolean; error?: { code: string; message: string } }): Response
  /** Routes the adapter serves under the loop's base path (the sandbox's pay and login pages). */
  routes?: LoopRoute[]
}
