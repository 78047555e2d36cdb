// The adapter against the loopback WeChat Pay simulator: nothing changed but `baseUrl`.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Customer, Order, PaymentAdapter, Refund, WebhookEvent } from '@loopkit/core'
import { type WechatSimulator, wechatSimulator } from '@loopkit/testing'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { wechatPayments } from '../src/index.js'

let sim: WechatSimulator
let adapter: PaymentAdapter
let receiver: Awaited<ReturnType<typeof startReceiver>>

/** The merchant's notify endpoint: parseWebhook on the raw body, reply with webhookResponse. */
async function startReceiver(getAdapter: () => PaymentAdapter) {
  const accepted: WebhookEvent[] = []
  const rejected: string[] = []
  let failNext = 0
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const headers = new Headers(Object.entries(req.headers).map(([k, v]): [string, string] => [k, String(v)]))
    const a = getAdapter()
    let response: Response
    try {
      if (failNext > 0) {
        failNext--
        throw Object.assign(new Error('database is down'), { code: 'storage_error' })
      }
      const event = await a.parseWebhook({
        body: new Uint8Array(Buffer.concat(chunks)),
        headers,
        url: req.url ?? '/',
      })
      accepted.push(event)
      response = a.webhookResponse!({ ok: true })
    } catch (e) {
      rejected.push((e as { code?: string }).code ?? 'error')
      response = a.webhookResponse!({
        ok: false,
        error: { code: (e as { code: string }).code, message: (e as Error).message },
      })
    }
    res.writeHead(response.status, Object.fromEntries(response.headers))
    res.end(Buffer.from(await response.arrayBuffer()))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/loop/webhooks/wechat`,
    accepted,
    rejected,
    failNext: (n: number) => {
      failNext = n
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

let seq = 0
function order(total = 8800, number = `T${Date.now()}${seq++}`): Order {
  const now = sim.now()
  return {
    id: `ord_${number}`,
    number,
    customerId: 'cus_1',
    lines: [{ skuId: 'duck', title: '盐水鸭', quantity: 1, unitPrice: total }],
    total,
    currency: 'CNY',
    status: 'pending',
    provider: 'wechat',
    idempotencyKey: null,
    attribution: null,
    refunded: 0,
    providerRef: null,
    createdAt: now,
    expiresAt: now + 30 * 60_000,
    paidAt: null,
    updatedAt: now,
  }
}

const customer: Customer = {
  id: 'cus_1',
  identities: [
    { provider: 'wechat', subject: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
    { provider: 'wechat-mp', subject: 'oMp_4Yv2hQfKx7n1tLw9sBq3EuRj' },
  ],
  displayName: null,
  avatarUrl: null,
  tags: [],
  consents: [],
  referredBy: null,
  followedAt: null,
  unfollowedAt: null,
  lastInteractionAt: null,
  timeZone: null,
  createdAt: 0,
  updatedAt: 0,
}

function refundOf(o: Order, amount: number, number: string): Refund {
  return {
    id: `ref_${number}`,
    orderId: o.id,
    number,
    amount,
    currency: 'CNY',
    reason: '不想要了',
    status: 'pending',
    providerRef: null,
    createdAt: 0,
    updatedAt: 0,
  }
}

beforeAll(async () => {
  sim = await wechatSimulator({ timeScale: 0, pay: { allowInsecureNotifyUrl: true } })
  adapter = wechatPayments({ ...sim.pay.adapterOptions(), retry: 1 })
  receiver = await startReceiver(() => adapter)
})
afterAll(async () => {
  await receiver?.close()
  await sim?.close()
})

const create = (o: Order, method = 'jsapi', extra: { clientIp?: string; returnUrl?: string } = {}) =>
  adapter.createPayment({
    order: o,
    customer,
    method,
    notifyUrl: receiver.url,
    description: '南京盐水鸭 1 只',
    ...extra,
  })

describe('wechatPayments against the simulator', () => {
  it('JSAPI: prepay, client params, pay, notification accepted once, query says succeeded', async () => {
    const o = order()
    const { action, providerRef } = await create(o)
    expect(providerRef).toBeNull()
    expect(action.type).toBe('jsapi')
    const params = (action as { params: Record<string, string> }).params
    expect(params).toMatchObject({ appId: sim.pay.appid, signType: 'RSA' })
    expect(params.package).toMatch(/^prepay_id=wx\d{14}/)
    expect(params.timeStamp).toBe(String(Math.floor(sim.now() / 1000)))

    expect(await adapter.queryPayment({ orderNumber: o.number })).toMatchObject({
      status: 'pending',
      orderNumber: o.number,
    })
    const paid = await sim.pay.payOrder({ outTradeNo: o.number })
    expect(paid.deliveries.map((d) => [d.kind, d.status])).toEqual([['genuine', 204]])
    const event = receiver.accepted.at(-1)!
    expect(event).toMatchObject({
      kind: 'payment.succeeded',
      orderNumber: o.number,
      providerRef: paid.transactionId,
      amount: 8800,
      currency: 'CNY',
      eventId: paid.eventId,
    })
    const q = await adapter.queryPayment({ orderNumber: o.number })
    expect(q).toMatchObject({ status: 'succeeded', amount: 8800, providerRef: paid.transactionId })
    expect(await adapter.queryPayment({ orderNumber: o.number, providerRef: paid.transactionId })).toEqual(q)
  })

  it('mini-program, Native, H5 and APP give the action each client needs', async () => {
    const mini = await create(order(), 'miniprogram')
    expect((mini.action as { params: Record<string, string> }).params.appId).toBe(sim.pay.miniProgramAppid)
    expect(await create(order(), 'native')).toMatchObject({
      action: { type: 'qr', codeUrl: expect.stringMatching(/^weixin:\/\/wxpay\/bizpayurl\?pr=/) },
    })
    await expect(create(order(), 'h5')).rejects.toMatchObject({ code: 'invalid_input' })
    const h5 = await create(order(), 'h5', {
      clientIp: '203.0.113.7',
      returnUrl: 'https://shop.example/orders/1',
    })
    expect(h5.action).toMatchObject({
      type: 'redirect',
      url: expect.stringContaining('redirect_url=https%3A%2F%2Fshop.example%2Forders%2F1'),
    })
    const app = await create(order(), 'app')
    expect((app.action as { params: Record<string, string> }).params).toMatchObject({
      package: 'Sign=WXPay',
      partnerid: sim.pay.mchid,
    })
  })

  it('repeating a prepay with the same order is idempotent; a paid order cannot be prepaid or closed', async () => {
    const o = order()
    const a = await create(o)
    const b = await create(o)
    expect((b.action as { params: Record<string, string> }).params.package).toBe(
      (a.action as { params: Record<string, string> }).params.package,
    )
    await expect(create({ ...o, total: 1 })).rejects.toMatchObject({
      code: 'conflict',
      providerCode: 'OUT_TRADE_NO_USED',
    })
    await sim.pay.payOrder({ outTradeNo: o.number })
    await expect(create(o)).rejects.toMatchObject({ code: 'invalid_transition', providerCode: 'ORDERPAID' })
    await expect(adapter.closePayment!({ orderNumber: o.number })).rejects.toMatchObject({
      code: 'invalid_transition',
      providerCode: 'ORDERPAID',
    })
  })

  it('close: 204, then the order cannot be paid; unknown orders query as null', async () => {
    const o = order()
    await create(o, 'native')
    await adapter.closePayment!({ orderNumber: o.number })
    await adapter.closePayment!({ orderNumber: o.number })
    expect(await adapter.queryPayment({ orderNumber: o.number })).toMatchObject({ status: 'closed' })
    await expect(sim.pay.payOrder({ outTradeNo: o.number })).rejects.toThrow(/CLOSED/)
    expect(await adapter.queryPayment({ orderNumber: 'NOSUCHORDER1' })).toBeNull()
  })

  it('refunds: partial then rest, idempotent by number, PROCESSING then REFUND.SUCCESS notification', async () => {
    const o = order(10_000)
    await create(o)
    await sim.pay.payOrder({ outTradeNo: o.number })
    const r1 = refundOf(o, 3000, `${o.number}R1`)
    expect(await adapter.refund({ order: o, refund: r1, notifyUrl: receiver.url })).toMatchObject({
      status: 'pending',
      providerRef: expect.any(String),
    })
    const again = await adapter.refund({ order: o, refund: r1, notifyUrl: receiver.url })
    expect(again.providerRef).toBe(sim.pay.refund(r1.number)!.refundId)
    await expect(
      adapter.refund({ order: o, refund: refundOf(o, 7001, `${o.number}R2`), notifyUrl: receiver.url }),
    ).rejects.toMatchObject({ code: 'invalid_input' })
    expect(await adapter.queryPayment({ orderNumber: o.number })).toMatchObject({ status: 'refunded' })
    await sim.advance(5000)
    expect(receiver.accepted.at(-1)).toMatchObject({
      kind: 'refund.succeeded',
      orderNumber: o.number,
      refundNumber: r1.number,
      amount: 3000,
    })
    const r2 = refundOf(o, 7000, `${o.number}R2`)
    await adapter.refund({ order: o, refund: r2, notifyUrl: receiver.url })
    await sim.pay.settleRefund({ outRefundNo: r2.number, status: 'ABNORMAL' })
    expect(receiver.accepted.at(-1)).toMatchObject({
      kind: 'refund.failed',
      refundNumber: r2.number,
      amount: 7000,
    })
  })

  it('an unacknowledged callback is retried on the 15s/15s/30s/3m… schedule with the same event id', async () => {
    const o = order()
    await create(o)
    receiver.failNext(3)
    const paid = await sim.pay.payOrder({ outTradeNo: o.number })
    expect(paid.deliveries[0]).toMatchObject({ status: 500, acked: false })
    await sim.advance(14_999)
    expect(sim.pay.deliveries.filter((d) => d.eventId === paid.eventId)).toHaveLength(1)
    await sim.advance(1)
    await sim.advance(15_000)
    await sim.advance(30_000)
    const mine = sim.pay.deliveries.filter((d) => d.eventId === paid.eventId)
    expect(mine.map((d) => [d.attempt, d.status])).toEqual([
      [0, 500],
      [1, 500],
      [2, 500],
      [3, 204],
    ])
    expect(receiver.accepted.filter((e) => e.eventId === paid.eventId)).toHaveLength(1)
  })

  it('probes, duplicates and concurrent copies: probe rejected, every genuine copy verifies with one event id', async () => {
    const o = order()
    await create(o)
    const before = receiver.rejected.length
    const paid = await sim.pay.payOrder({ outTradeNo: o.number, probe: true, duplicates: 2, concurrent: 3 })
    expect(paid.deliveries.map((d) => [d.kind, d.status])).toEqual([
      ['probe', 401],
      ['genuine', 204],
      ['concurrent', 204],
      ['concurrent', 204],
      ['duplicate', 204],
      ['duplicate', 204],
    ])
    expect(receiver.rejected.slice(before)).toEqual(['signature_invalid'])
    expect(
      new Set(receiver.accepted.filter((e) => e.eventId === paid.eventId).map((e) => e.eventId)).size,
    ).toBe(1)
  })

  it('verifies in both key modes and after rotation only with the new key configured', async () => {
    sim.pay.signWith('certificate')
    const o = order()
    await create(o)
    await sim.pay.payOrder({ outTradeNo: o.number })
    expect(receiver.accepted.at(-1)).toMatchObject({ orderNumber: o.number })
    const oldAdapter = adapter
    await sim.pay.rotateKeys()
    await expect(create(order())).rejects.toMatchObject({ code: 'signature_invalid' })
    adapter = wechatPayments({ ...sim.pay.adapterOptions(), retry: 1 })
    await create(order())
    adapter = oldAdapter
    sim.pay.signWith('publicKey')
    adapter = wechatPayments({ ...sim.pay.adapterOptions(), retry: 1 })
  })

  it('treats a 2xx with a bad signature as forged', async () => {
    sim.pay.forgeNextResponse()
    // Error answers are not trusted either way; the forged signature waits for the next 2xx.
    await expect(adapter.queryPayment({ orderNumber: 'NOSUCHORDER2' })).resolves.toBeNull()
    await expect(create(order())).rejects.toMatchObject({
      code: 'signature_invalid',
      message: expect.stringContaining('treated as forged'),
    })
  })

  it('maps vendor errors and retries SYSTEM_ERROR within the retry limit', async () => {
    sim.pay.failNext({
      status: 500,
      code: 'SYSTEMERROR',
      message: '系统错误',
      path: '/v3/pay/transactions/out-trade-no',
    })
    expect(await adapter.queryPayment({ orderNumber: 'NOSUCHORDER3' })).toBeNull()
    sim.pay.failNext({ status: 500, code: 'SYSTEM_ERROR', message: '系统错误', times: 2 })
    await expect(adapter.queryPayment({ orderNumber: 'NOSUCHORDER4' })).rejects.toMatchObject({
      code: 'provider_unavailable',
      retryable: true,
      providerCode: 'SYSTEM_ERROR',
    })
    sim.pay.failNext({ status: 429, code: 'FREQUENCY_LIMITED', message: '频率超限' })
    await expect(adapter.queryPayment({ orderNumber: 'NOSUCHORDER5' })).rejects.toMatchObject({
      code: 'rate_limited',
      retryable: true,
    })
  })

  it('a wrong merchant key is refused with 401 SIGN_ERROR, as WeChat does', async () => {
    const { generateKeyPairSync } = await import('node:crypto')
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString()
    const wrong = wechatPayments({ ...sim.pay.adapterOptions(), privateKey: other })
    await expect(wrong.queryPayment({ orderNumber: 'NOSUCHORDER6' })).rejects.toMatchObject({
      code: 'configuration',
      providerCode: 'SIGN_ERROR',
    })
    const skewed = wechatPayments({ ...sim.pay.adapterOptions(), now: () => sim.now() - 301_000 })
    await expect(skewed.queryPayment({ orderNumber: 'NOSUCHORDER7' })).rejects.toMatchObject({
      providerCode: 'SIGN_ERROR',
      message: expect.stringContaining('5分钟'),
    })
  })

  it("JSAPI needs the buyer's WeChat openid; Native does not", async () => {
    const guest: Customer = {
      ...customer,
      id: 'cus_guest',
      identities: [{ provider: 'sandbox', subject: 'guest' }],
    }
    const o = order()
    await expect(
      adapter.createPayment({
        order: o,
        customer: guest,
        method: 'jsapi',
        notifyUrl: receiver.url,
        description: 'x',
      }),
    ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('openid') })
    const native = await adapter.createPayment({
      order: o,
      customer: guest,
      notifyUrl: receiver.url,
      description: 'x',
    })
    expect(native.action.type).toBe('qr')
  })

  it('opening the H5 link is the buyer paying: the order is paid and the callback delivered', async () => {
    const o = order()
    const { action } = await create(o, 'h5', { clientIp: '203.0.113.7' })
    const page = await fetch((action as { url: string }).url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('支付成功')
    expect(receiver.accepted.at(-1)).toMatchObject({ kind: 'payment.succeeded', orderNumber: o.number })
  })
})

describe('compressed time', () => {
  it('with timeScale 1000 the retry schedule runs by itself in real milliseconds', async () => {
    const fast = await wechatSimulator({ timeScale: 1000, pay: { allowInsecureNotifyUrl: true } })
    const fastAdapter = wechatPayments(fast.pay.adapterOptions())
    const fastReceiver = await startReceiver(() => fastAdapter)
    try {
      const o = order()
      await fastAdapter.createPayment({
        order: { ...o, createdAt: fast.now(), expiresAt: fast.now() + 3_600_000 },
        customer,
        notifyUrl: fastReceiver.url,
        description: 'x',
      })
      fastReceiver.failNext(4)
      const paid = await fast.pay.payOrder({ outTradeNo: o.number })
      // 15 s + 15 s + 30 s + 3 min of simulated time: a quarter of a real second.
      await vi.waitFor(
        () =>
          expect(
            fast.pay.deliveries.filter((d) => d.eventId === paid.eventId).map((d) => [d.attempt, d.acked]),
          ).toEqual([
            [0, false],
            [1, false],
            [2, false],
            [3, false],
            [4, true],
          ]),
        { timeout: 10_000 },
      )
      expect(fastReceiver.accepted.filter((e) => e.eventId === paid.eventId)).toHaveLength(1)
    } finally {
      await fastReceiver.close()
      await fast.close()
    }
  })
})
