// alipayPayments against the simulator, call by call: vendor error codes, forged answers, retries and
// timeouts, the notification schedule, and certificate mode.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isLoopError } from '@loopkit/core'
import {
  ALIPAY_NOTIFY_RETRY_SCHEDULE_MS,
  type AlipaySimulator,
  alipaySimulator,
  testOrder,
} from '@loopkit/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { alipayPayments } from '../src/index.js'
import {
  ALIPAY_CERT,
  ALIPAY_CERT_PRIVATE_KEY,
  ALIPAY_CERT_SN,
  APP_CERT,
  APP_CERT_PRIVATE_KEY,
  APP_CERT_SN,
  ROOT_CERT_SN,
  ROOT_CHAIN,
} from './certs.js'
import { customer } from './harness.js'
import { K1_PRIVATE_KEY } from './keys.js'

let sim: AlipaySimulator
let answer = 'success'
let merchant: { url: string; close: () => Promise<void> }

beforeAll(async () => {
  sim = await alipaySimulator({ timeScale: 0 })
  const server = createServer(async (req, res) => {
    for await (const _ of req) void _
    res.writeHead(200, { 'content-type': 'text/plain' }).end(answer)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  merchant = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/loop/webhooks/alipay`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
})
afterAll(async () => {
  await merchant?.close()
  await sim?.close()
})

async function caught(
  p: Promise<unknown>,
): Promise<{ code: string; providerCode?: string | undefined } | null> {
  try {
    await p
    return null
  } catch (e) {
    if (!isLoopError(e)) throw e
    return { code: e.code, providerCode: e.providerCode }
  }
}

async function qrOrder(adapter = alipayPayments(sim.adapterOptions()), total = 8800) {
  const order = testOrder({ customer, provider: 'alipay', total, now: sim.now() })
  await adapter.createPayment({
    order,
    customer,
    method: 'qr',
    notifyUrl: merchant.url,
    description: '盐水鸭',
  })
  return order
}

describe('vendor answers', () => {
  it('maps ACQ codes: unknown trade, paid trade, unpaid refund, closed trade', async () => {
    const adapter = alipayPayments(sim.adapterOptions())
    expect(await adapter.queryPayment({ orderNumber: 'NOSUCHTRADE01' })).toBeNull()
    expect(await caught(adapter.closePayment!({ orderNumber: 'NOSUCHTRADE01' }))).toEqual({
      code: 'not_found',
      providerCode: 'ACQ.TRADE_NOT_EXIST',
    })
    const order = await qrOrder(adapter)
    const refund = {
      id: 'r',
      orderId: order.id,
      number: `${order.number}R`,
      amount: 100,
      currency: 'CNY',
      reason: null,
      status: 'pending' as const,
      providerRef: null,
      createdAt: 0,
      updatedAt: 0,
    }
    expect(await caught(adapter.refund({ order, refund, notifyUrl: merchant.url }))).toEqual({
      code: 'invalid_transition',
      providerCode: 'ACQ.TRADE_STATUS_ERROR',
    })
    await sim.pay({ outTradeNo: order.number })
    const again = adapter.createPayment({
      order,
      customer,
      method: 'qr',
      notifyUrl: merchant.url,
      description: '盐水鸭',
    })
    expect(await caught(again)).toEqual({ code: 'invalid_transition', providerCode: 'ACQ.TRADE_HAS_SUCCESS' })
    expect(await caught(adapter.closePayment!({ orderNumber: order.number }))).toMatchObject({
      code: 'invalid_transition',
    })
    const closed = await qrOrder(adapter)
    await adapter.closePayment!({ orderNumber: closed.number })
    await adapter.closePayment!({ orderNumber: closed.number }) // closing twice is a no-op
    expect((await adapter.queryPayment({ orderNumber: closed.number }))?.status).toBe('closed')
  })

  it('a request signed with another key is isv.invalid-signature → configuration', async () => {
    const adapter = alipayPayments({ ...sim.adapterOptions(), privateKey: K1_PRIVATE_KEY })
    expect(await caught(adapter.queryPayment({ orderNumber: 'ANY0000001' }))).toEqual({
      code: 'configuration',
      providerCode: 'isv.invalid-signature',
    })
  })

  it('an answer with a bad signature is treated as forged', async () => {
    const adapter = alipayPayments(sim.adapterOptions())
    const order = await qrOrder(adapter)
    sim.forgeNextResponse()
    expect(await caught(adapter.queryPayment({ orderNumber: order.number }))).toMatchObject({
      code: 'signature_invalid',
    })
  })

  it('retries a query after a 503, and times out a silent gateway as provider_unavailable', async () => {
    let calls = 0
    const flaky: typeof fetch = async (input, init) => {
      calls++
      return calls === 1 ? new Response('busy', { status: 503 }) : fetch(input, init)
    }
    const order = await qrOrder()
    const adapter = alipayPayments({ ...sim.adapterOptions(), fetch: flaky })
    expect((await adapter.queryPayment({ orderNumber: order.number }))?.status).toBe('pending')
    expect(calls).toBe(2)
    const silent: typeof fetch = (_input, init) =>
      new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)))
    const slow = alipayPayments({ ...sim.adapterOptions(), fetch: silent, timeout: 100, retry: 0 })
    expect(await caught(slow.queryPayment({ orderNumber: order.number }))).toMatchObject({
      code: 'provider_unavailable',
    })
  })
})

describe('notifications', () => {
  it('are retried on 4m, 10m, 10m, 1h, 2h, 6h, 15h until the answer is exactly `success`, with one notify_id', async () => {
    answer = 'SUCCESS'
    try {
      const order = await qrOrder()
      const start = sim.now()
      const { notifyId } = await sim.pay({ outTradeNo: order.number })
      for (const wait of ALIPAY_NOTIFY_RETRY_SCHEDULE_MS) await sim.advance(wait)
      const mine = sim.deliveries.filter((d) => d.outTradeNo === order.number)
      expect(mine).toHaveLength(8)
      expect(new Set(mine.map((d) => d.notifyId))).toEqual(new Set([notifyId]))
      expect(mine.map((d) => Math.round((d.at - start) / 60_000))).toEqual([0, 4, 14, 24, 84, 204, 564, 1464])
      expect(mine.every((d) => !d.acked && d.status === 200)).toBe(true)
      expect(sim.exhausted).toContain(notifyId)
    } finally {
      answer = 'success'
    }
  })
})

describe('public-key-certificate mode', () => {
  it('sends app_cert_sn and alipay_root_cert_sn, and verifies answers signed with the Alipay certificate key', async () => {
    const certSim = await alipaySimulator({
      timeScale: 0,
      appPublicKey: APP_CERT,
      alipayPrivateKey: ALIPAY_CERT_PRIVATE_KEY,
      certSn: { app: APP_CERT_SN, root: ROOT_CERT_SN, alipay: ALIPAY_CERT_SN },
    })
    try {
      const options = {
        appId: certSim.appId,
        privateKey: APP_CERT_PRIVATE_KEY,
        certs: { appCert: APP_CERT, alipayCert: ALIPAY_CERT, alipayRootCert: ROOT_CHAIN },
        gateway: certSim.gateway(),
        now: certSim.now,
      }
      const adapter = alipayPayments(options)
      const order = testOrder({ customer, provider: 'alipay', now: certSim.now() })
      const { action } = await adapter.createPayment({
        order,
        customer,
        method: 'qr',
        notifyUrl: merchant.url,
        description: 'x',
      })
      expect(action.type).toBe('qr')
      expect(await adapter.queryPayment({ orderNumber: order.number })).toMatchObject({
        status: 'pending',
        amount: 8800,
      })
      // A root chain whose SN the gateway does not expect is refused like a bad signature.
      const wrongRoot = alipayPayments({ ...options, certs: { ...options.certs, alipayRootCert: APP_CERT } })
      expect(await caught(wrongRoot.queryPayment({ orderNumber: order.number }))).toMatchObject({
        code: 'configuration',
      })
    } finally {
      await certSim.close()
    }
  })
})

describe('what a payment page carries', () => {
  it('wap: notify_url (or notifyPath), quit_url, and time_expire = the order expiry; the trade cannot be paid after it', async () => {
    const adapter = alipayPayments({ ...sim.adapterOptions(), notifyPath: '/alipay/notify' })
    const order = testOrder({ customer, provider: 'alipay', now: sim.now() })
    const { action } = await adapter.createPayment({
      order,
      customer,
      method: 'wap',
      notifyUrl: merchant.url,
      returnUrl: 'https://shop.example/orders/1',
      description: '盐水鸭',
    })
    if (action.type !== 'redirect') throw new Error(`expected a redirect, got ${action.type}`)
    const params = new URL(action.url).searchParams
    expect(params.get('notify_url')).toBe(new URL('/alipay/notify', merchant.url).toString())
    expect(params.get('return_url')).toBe('https://shop.example/orders/1')
    const biz = JSON.parse(params.get('biz_content')!) as Record<string, string>
    const expiry = new Date(Math.floor(order.expiresAt / 1000) * 1000 + 8 * 3_600_000)
    expect(biz).toMatchObject({
      out_trade_no: order.number,
      total_amount: '88.00',
      product_code: 'QUICK_WAP_WAY',
      quit_url: 'https://shop.example/orders/1',
      time_expire: expiry.toISOString().slice(0, 19).replace('T', ' '),
    })
    expect((await fetch(action.url)).status).toBe(200)
    await sim.advance(order.expiresAt - sim.now() + 1000)
    await expect(sim.pay({ outTradeNo: order.number })).rejects.toThrow(/expired/)
    expect((await adapter.queryPayment({ orderNumber: order.number }))?.status).toBe('closed')
  })
})
