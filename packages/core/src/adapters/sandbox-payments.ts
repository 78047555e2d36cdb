import { randomBase62 } from '../_internal/ids.js'
import { macHex, safeEqual } from '../_internal/sign.js'
import type {
  CreatePaymentInput,
  PaymentAdapter,
  ProviderPayment,
  ProviderRefund,
  RefundInput,
  ValidatePaymentInput,
  WebhookEvent,
} from '../contracts/payment.js'
import { formatMinor } from '../domain/money.js'
import type { Order, Refund } from '../domain/order.js'
import { loopError } from '../errors.js'
import { sandboxPayRoutes } from './sandbox-pay-page.js'

const lenient = new TextDecoder('utf-8', { fatal: false })

/** The sandbox webhook signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`, like Stripe's. */
export const SANDBOX_SIGNATURE_HEADER = 'loopkit-sandbox-signature'

/** Options of {@link sandboxPayments}. */
export interface SandboxPaymentsOptions {
  /** Webhook signing secret; random per instance by default. */
  secret?: string
  /** Seconds a webhook signature stays valid. Default 300. */
  toleranceSeconds?: number
  now?: () => number
}

interface LedgerEntry {
  amount: number
  currency: string
  status: ProviderPayment['status']
  providerRef: string | null
  paidAt: number | null
  notifyUrl: string
  returnUrl: string | null
  refunds: Map<string, number>
  paidEvent: string | null
}

/**
 * How the sandbox signs a webhook it builds: genuinely, with a wrong signature, or not at all.
 * @inline
 */
export type SandboxSignature = 'valid' | 'forged' | 'missing'

/**
 * A provider call the sandbox can be told to fail, as a real provider does during an outage.
 * @inline
 */
export type SandboxOperation = 'createPayment' | 'refund' | 'queryRefund'

/** The one way to pay in the sandbox: its pay page. */
const SANDBOX_METHODS = ['redirect']

/**
 * A development payment provider: no credentials, a pay page under the loop's routes, and signed
 * webhooks that tests can deliver however they like — twice, concurrently, out of order, late, or
 * with a forged signature. It never moves money.
 *
 * @example
 * ```ts
 * const sandbox = sandboxPayments()
 * const loop = createLoop({ secret, baseUrl, storage: memoryStorage(), payments: [sandbox] })
 * const { order } = await loop.checkout({ customerId, lines: [{ skuId: 'duck', quantity: 1 }] })
 * await loop.fetch(await sandbox.pay({ orderNumber: order.number })) // the buyer pays; the webhook arrives
 * ```
 */
export function sandboxPayments(options: SandboxPaymentsOptions = {}) {
  const secret = options.secret ?? randomBase62(32)
  const tolerance = options.toleranceSeconds ?? 300
  const now = options.now ?? Date.now
  const ledger = new Map<string, LedgerEntry>()

  const faults = new Map<SandboxOperation, number>()
  /** Throws the outage a test asked for with `failNext`. */
  const maybeFail = (operation: SandboxOperation) => {
    const left = faults.get(operation) ?? 0
    if (left <= 0) return
    faults.set(operation, left - 1)
    throw loopError('sandbox', 'provider_unavailable', `The sandbox ${operation} is failing (failNext).`, {
      retryable: true,
    })
  }

  const entry = (orderNumber: string): LedgerEntry => {
    const e = ledger.get(orderNumber)
    if (!e) throw loopError('sandbox', 'not_found', `The sandbox has no payment for order ${orderNumber}.`)
    return e
  }

  const sign = (body: string, at: number) => {
    const t = Math.floor(at / 1000)
    return `t=${t},v1=${macHex(secret, `${t}.${body}`)}`
  }

  /** A webhook request for `event`, signed (or not) as asked. */
  function webhook(input: {
    event: Record<string, unknown>
    url: string
    at?: number
    signature?: SandboxSignature
  }): Request {
    const body = JSON.stringify(input.event)
    // A plain record: the Request fills its own Headers once from it.
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    const at = input.at ?? now()
    if (input.signature !== 'missing') {
      const header =
        input.signature === 'forged'
          ? sign(body, at).replace(/v1=[0-9a-f]{8}/, 'v1=deadbeef')
          : sign(body, at)
      headers[SANDBOX_SIGNATURE_HEADER] = header
    }
    return new Request(input.url, { method: 'POST', headers, body })
  }

  function verify(body: Uint8Array, headers: Headers): string {
    const header = headers.get(SANDBOX_SIGNATURE_HEADER)
    if (!header) throw loopError('sandbox', 'signature_invalid', 'Missing webhook signature.')
    const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]))
    const t = Number(parts.t)
    if (!Number.isInteger(t) || !parts.v1)
      throw loopError('sandbox', 'signature_invalid', 'Malformed webhook signature.')
    const text = lenient.decode(body)
    const expected = macHex(secret, `${t}.`, body)
    if (!safeEqual(parts.v1, expected))
      throw loopError('sandbox', 'signature_invalid', 'Webhook signature does not match.')
    if (Math.abs(Math.floor(now() / 1000) - t) > tolerance) {
      throw loopError('sandbox', 'timestamp_out_of_window', 'Webhook timestamp is outside the tolerance.')
    }
    return text
  }

  /**
   * The buyer pays: the sandbox marks the order paid and returns the signed webhook request it
   * would deliver (the same event on every call, as providers redeliver). Deliver it with `loop.fetch`.
   */
  async function pay(input: {
    orderNumber: string
    at?: number
    signature?: SandboxSignature
    amount?: number
  }): Promise<Request> {
    const e = entry(input.orderNumber)
    if (e.status === 'pending') {
      e.status = 'succeeded'
      e.providerRef = `sbx_${randomBase62(16)}`
      e.paidAt = input.at ?? now()
      e.paidEvent = `evt_sbx_${randomBase62(16)}`
    }
    if (!e.paidEvent)
      throw loopError('sandbox', 'invalid_transition', `Order ${input.orderNumber} is ${e.status}.`)
    return webhook({
      url: e.notifyUrl,
      ...(input.at !== undefined ? { at: input.at } : {}),
      ...(input.signature ? { signature: input.signature } : {}),
      event: {
        id: e.paidEvent,
        type: 'payment.succeeded',
        data: {
          orderNumber: input.orderNumber,
          providerRef: e.providerRef,
          amount: input.amount ?? e.amount,
          currency: e.currency,
          paidAt: e.paidAt,
        },
      },
    })
  }

  /** The page a buyer is sent to. */
  function describe(orderNumber: string) {
    const e = ledger.get(orderNumber)
    return e
      ? {
          amount: formatMinor(e.amount, e.currency),
          currency: e.currency,
          status: e.status,
          returnUrl: e.returnUrl,
        }
      : null
  }

  function validatePayment(input: Pick<ValidatePaymentInput, 'method'>): void {
    if (input.method !== undefined && !SANDBOX_METHODS.includes(input.method)) {
      throw loopError(
        'sandbox',
        'invalid_input',
        `Unknown sandbox payment method \`${input.method}\`; the sandbox pays on its page (\`redirect\`).`,
      )
    }
  }

  const adapter = {
    id: 'sandbox',
    validatePayment,
    async createPayment(input: CreatePaymentInput) {
      validatePayment(input)
      maybeFail('createPayment')
      const existing = ledger.get(input.order.number)
      if (existing && existing.status !== 'pending')
        throw loopError('sandbox', 'conflict', `Order ${input.order.number} is already ${existing.status}.`)
      ledger.set(input.order.number, {
        amount: input.order.total,
        currency: input.order.currency,
        status: 'pending',
        providerRef: null,
        paidAt: null,
        notifyUrl: input.notifyUrl,
        returnUrl: input.returnUrl ?? null,
        refunds: new Map(),
        paidEvent: null,
      })
      const payUrl = input.notifyUrl.replace(/\/webhooks\/sandbox$/, `/sandbox/pay/${input.order.number}`)
      return { providerRef: null, action: { type: 'redirect' as const, url: payUrl } }
    },
    async queryPayment(input: { orderNumber: string }): Promise<ProviderPayment | null> {
      const e = ledger.get(input.orderNumber)
      if (!e) return null
      return {
        status: e.status,
        orderNumber: input.orderNumber,
        providerRef: e.providerRef,
        amount: e.amount,
        currency: e.currency,
        paidAt: e.paidAt,
      }
    },
    async closePayment(input: { orderNumber: string }) {
      const e = entry(input.orderNumber)
      if (e.status === 'succeeded')
        throw loopError('sandbox', 'invalid_transition', `Order ${input.orderNumber} is already paid.`)
      e.status = 'closed'
    },
    async refund(input: RefundInput) {
      maybeFail('refund')
      const e = entry(input.order.number)
      if (e.status !== 'succeeded' && e.status !== 'refunded')
        throw loopError('sandbox', 'invalid_transition', 'Only paid orders can be refunded.')
      if (!e.refunds.has(input.refund.number)) {
        const sum = [...e.refunds.values()].reduce((a, b) => a + b, 0)
        if (sum + input.refund.amount > e.amount)
          throw loopError('sandbox', 'refund_exceeds_paid', 'Refunds would exceed the paid amount.')
        e.refunds.set(input.refund.number, input.refund.amount)
        if (sum + input.refund.amount === e.amount) e.status = 'refunded'
      }
      return { status: 'succeeded' as const, providerRef: `sbr_${input.refund.number}` }
    },
    async queryRefund(input: { order: Order; refund: Refund }): Promise<ProviderRefund | null> {
      maybeFail('queryRefund')
      const amount = ledger.get(input.order.number)?.refunds.get(input.refund.number)
      if (amount === undefined) return null
      // Sandbox refunds succeed as soon as they are accepted.
      return {
        status: 'succeeded',
        refundNumber: input.refund.number,
        providerRef: `sbr_${input.refund.number}`,
        amount,
      }
    },
    async parseWebhook(input: { body: Uint8Array; headers: Headers }): Promise<WebhookEvent> {
      const text = verify(input.body, input.headers)
      let event: { id?: unknown; type?: unknown; data?: Record<string, unknown> }
      try {
        event = JSON.parse(text)
      } catch (cause) {
        throw loopError('sandbox', 'invalid_input', 'Webhook body is not JSON.', { cause })
      }
      const d = event.data ?? {}
      if (typeof event.id !== 'string') throw loopError('sandbox', 'invalid_input', 'Webhook has no id.')
      if (event.type === 'payment.succeeded') {
        return {
          kind: 'payment.succeeded',
          eventId: event.id,
          orderNumber: String(d.orderNumber),
          providerRef: String(d.providerRef),
          amount: Number(d.amount),
          currency: String(d.currency),
          paidAt: Number(d.paidAt),
        }
      }
      return { kind: 'ignored', eventId: event.id, reason: `event type ${String(event.type)}` }
    },
    routes: sandboxPayRoutes({ describe, pay }),
    pay,
    /** The next `times` calls of `operation` fail with a retryable `provider_unavailable`, like an outage. */
    failNext(input: { operation: SandboxOperation; times?: number }) {
      faults.set(input.operation, (faults.get(input.operation) ?? 0) + (input.times ?? 1))
    },
    /** Any webhook the sandbox could send, e.g. one with a changed amount or an unknown type. */
    webhook,
    describe,
  }
  return adapter satisfies PaymentAdapter
}

/** The adapter {@link sandboxPayments} returns: a `PaymentAdapter` plus `pay`, `webhook`, `describe` and `failNext` for tests. */
export type SandboxPayments = ReturnType<typeof sandboxPayments>
