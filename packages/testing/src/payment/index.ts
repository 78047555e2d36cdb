import type { Customer, Order, PaymentAdapter, WebhookEvent } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { useHarness } from '../_internal/harness.js'
import { expectCode, rejection } from './assert.js'
import { defaultForge, tamperBody, testOrder, testRefund } from './fixtures.js'
import { loopCases } from './loop-cases.js'

export { testOrder } from './fixtures.js'

/** A webhook exactly as the provider would POST it: raw bytes and headers. */
export interface RawWebhook {
  body: Uint8Array
  headers: Headers
  /** The URL it was posted to; defaults to the harness `notifyUrl`. */
  url?: string
}

/** What one test of {@link testPaymentAdapter} works with. */
export interface PaymentHarness {
  adapter: PaymentAdapter
  /** A customer who can pay with this adapter (with the provider identity it needs, e.g. a WeChat openid). */
  customer: Customer
  /** `createPayment({ method })`; the adapter's default when absent. */
  method?: string
  /** Currency of the test orders; default `CNY`. */
  currency?: string
  /** Passed to `createPayment` and `refund` as `notifyUrl`. */
  notifyUrl: string
  /** The clock the adapter uses (order times are derived from it); default `Date.now`. */
  now?: () => number
  /**
   * The buyer pays the order at the provider (simulator or sandbox). Resolve with the provider's
   * genuine payment webhook for it, captured and not yet handed to the adapter.
   */
  payOrder(input: { orderNumber: string }): Promise<RawWebhook>
  /** Turns a genuine webhook into one with an invalid signature. Default: alter every `*signature*` header. */
  forgeSignature?(webhook: RawWebhook): RawWebhook
  /**
   * The provider's next call of `operation` fails, as in an outage (simulator: an error answer;
   * sandbox: `failNext`). Without it, the outage cases are skipped.
   */
  failNext?(input: { operation: 'createPayment' | 'refund' }): void
  /** The provider finishes a refund it accepted and still processes (simulator: settle it now). */
  settleRefund?(input: { refundNumber: string }): Promise<void>
}

/** Options of {@link testPaymentAdapter}. */
export interface TestPaymentAdapterOptions {
  /** Shown in the `describe` title. */
  name: string
  /** Called before every test. */
  setup: () => Promise<PaymentHarness>
  /** Called after every test. */
  teardown?: () => Promise<void>
}

const ACTION_TYPES = ['jsapi', 'app', 'qr', 'redirect', 'form']

/**
 * The contract every `PaymentAdapter` meets: creating a payment gives the client an action; after
 * the buyer pays, a query says `succeeded` with the order's amount; the genuine webhook parses to
 * `payment.succeeded` for that order and amount with a stable `eventId`; a tampered body or a forged
 * signature is a `LoopError` and never an event; refunds are idempotent by refund number and cannot
 * exceed the order.
 *
 * @example
 * ```ts
 * testPaymentAdapter({
 *   name: 'wechat (simulator)',
 *   setup: async () => ({ adapter, customer, notifyUrl, payOrder: ({ orderNumber }) => capturePaidWebhook(orderNumber) }),
 * })
 * ```
 */
export function testPaymentAdapter(options: TestPaymentAdapterOptions): void {
  describe(`payment adapter contract: ${options.name}`, () => {
    const h = useHarness<PaymentHarness>(options)

    const order = (total?: number) =>
      testOrder({
        customer: h().customer,
        provider: h().adapter.id,
        ...(total !== undefined ? { total } : {}),
        ...(h().currency ? { currency: h().currency } : {}),
        now: (h().now ?? Date.now)(),
      })
    const create = (o: Order) =>
      h().adapter.createPayment({
        order: o,
        customer: h().customer,
        ...(h().method ? { method: h().method } : {}),
        notifyUrl: h().notifyUrl,
        returnUrl: 'https://shop.example/orders/return',
        clientIp: '203.0.113.7',
        description: 'Contract test item',
      })
    const parse = (w: RawWebhook) =>
      h().adapter.parseWebhook({ body: w.body, headers: w.headers, url: w.url ?? h().notifyUrl })
    async function paid(total?: number): Promise<{
      order: Order
      webhook: RawWebhook
      event: Extract<WebhookEvent, { kind: 'payment.succeeded' }>
    }> {
      const o = order(total)
      await create(o)
      const webhook = await h().payOrder({ orderNumber: o.number })
      const event = await parse(webhook)
      if (event.kind !== 'payment.succeeded') throw new Error(`expected payment.succeeded, got ${event.kind}`)
      return { order: { ...o, status: 'paid', providerRef: event.providerRef }, webhook, event }
    }

    it('has an id usable as a route segment', () => {
      expect(h().adapter.id).toMatch(/^[a-z0-9-]{1,32}$/)
    })

    it('createPayment returns an action the client can follow', async () => {
      const { action, providerRef } = await create(order())
      expect(ACTION_TYPES).toContain(action.type)
      if (action.type === 'jsapi' || action.type === 'app')
        expect(Object.keys(action.params).length).toBeGreaterThan(0)
      if (action.type === 'qr') expect(action.codeUrl).toMatch(/\S/)
      if (action.type === 'redirect') expect(() => new URL(action.url)).not.toThrow()
      if (action.type === 'form') expect(action.html).toMatch(/<form/i)
      expect(providerRef === null || typeof providerRef === 'string').toBe(true)
    })

    it('queries an unpaid order as pending (or unknown) and a paid one as succeeded with its amount', async () => {
      const o = order(1234)
      await create(o)
      const before = await h().adapter.queryPayment({ orderNumber: o.number })
      expect(before === null || before.status === 'pending').toBe(true)
      const webhook = await h().payOrder({ orderNumber: o.number })
      expect(webhook.body.length).toBeGreaterThan(0)
      const after = await h().adapter.queryPayment({ orderNumber: o.number })
      expect(after).toMatchObject({
        status: 'succeeded',
        orderNumber: o.number,
        amount: 1234,
        currency: o.currency,
      })
      expect(typeof after!.providerRef).toBe('string')
    })

    it('parses the genuine webhook into payment.succeeded for that order and amount, with a stable eventId', async () => {
      const { order: o, webhook, event } = await paid(4321)
      expect(event).toMatchObject({
        kind: 'payment.succeeded',
        orderNumber: o.number,
        amount: 4321,
        currency: o.currency,
      })
      expect(event.eventId).toMatch(/\S/)
      expect(Number.isFinite(event.paidAt)).toBe(true)
      const again = await parse(webhook)
      expect(again).toEqual(event)
      const q = await h().adapter.queryPayment({ orderNumber: o.number })
      expect(q?.providerRef).toBe(event.providerRef)
    })

    it('rejects a webhook whose body was altered after signing', async () => {
      const { webhook } = await paid()
      expectCode(await rejection(parse(tamperBody(webhook))), ['signature_invalid'])
    })

    it('rejects a webhook with a forged signature', async () => {
      const { webhook } = await paid()
      const forge = h().forgeSignature ?? defaultForge
      expectCode(await rejection(parse(forge(webhook))), ['signature_invalid'])
    })

    it('rejects a webhook without its signature headers', async () => {
      const { webhook } = await paid()
      expectCode(
        await rejection(parse({ ...webhook, headers: new Headers({ 'content-type': 'application/json' }) })),
        ['signature_invalid'],
      )
    })

    it('refunds are idempotent by refund number and cannot exceed the order', async () => {
      const { order: o } = await paid(10_000)
      const r1 = testRefund(o, 4000, 'R1')
      const first = await h().adapter.refund({ order: o, refund: r1, notifyUrl: h().notifyUrl })
      expect(['pending', 'succeeded']).toContain(first.status)
      const repeat = await h().adapter.refund({ order: o, refund: r1, notifyUrl: h().notifyUrl })
      expect(repeat.providerRef).toBe(first.providerRef)
      const tooMuch = testRefund(o, 6001, 'R2')
      expect(
        await rejection(h().adapter.refund({ order: o, refund: tooMuch, notifyUrl: h().notifyUrl })),
      ).not.toBeNull()
      const rest = await h().adapter.refund({
        order: o,
        refund: testRefund(o, 6000, 'R3'),
        notifyUrl: h().notifyUrl,
      })
      expect(['pending', 'succeeded']).toContain(rest.status)
      expect(rest.providerRef).not.toBe(first.providerRef)
    })

    it('closes an unpaid order so a query says closed', async (ctx) => {
      const close = h().adapter.closePayment
      if (!close) return ctx.skip('the adapter has no closePayment')
      const o = order()
      await create(o)
      await close({ orderNumber: o.number })
      const q = await h().adapter.queryPayment({ orderNumber: o.number })
      expect(q === null || q.status === 'closed').toBe(true)
    })

    it('#9.10 queries a refund: null before it is asked for, its state after', async (ctx) => {
      const query = h().adapter.queryRefund
      if (!query) return ctx.skip('the adapter has no queryRefund')
      const { order: o } = await paid(3000)
      const r = testRefund(o, 1000, 'Q1')
      expect(await query({ order: o, refund: r })).toBeNull()
      const sent = await h().adapter.refund({ order: o, refund: r, notifyUrl: h().notifyUrl })
      const found = await query({ order: o, refund: r })
      expect(found).toMatchObject({ refundNumber: r.number, amount: 1000 })
      expect(['pending', 'succeeded']).toContain(found!.status)
      if (sent.providerRef) expect(found!.providerRef).toBe(sent.providerRef)
    })

    it('acknowledges with 2xx and refuses with 4xx/5xx', async (ctx) => {
      const respond = h().adapter.webhookResponse
      if (!respond) return ctx.skip('the adapter uses the default webhook response')
      expect(respond({ ok: true }).status).toBeLessThan(300)
      expect(
        respond({ ok: false, error: { code: 'signature_invalid', message: 'bad' } }).status,
      ).toBeGreaterThanOrEqual(400)
    })

    loopCases(h)
  })
}
