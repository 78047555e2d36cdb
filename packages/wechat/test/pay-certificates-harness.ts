// Shared by the platform-certificate tests: a simulator in certificate mode, a merchant notify
// endpoint, and adapters that share one storage like instances of one app.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Customer, Order, StorageAdapter, WebhookEvent } from '@loopkit/core'
import type { WechatSimulator } from '@loopkit/testing'
import { type WechatPaymentAdapter, wechatPayments } from '../src/index.js'

/** The merchant's notify endpoint: parseWebhook on the raw body of the adapter `route` picks. */
export async function startReceiver(pick: () => WechatPaymentAdapter) {
  const accepted: WebhookEvent[] = []
  const rejected: string[] = []
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const headers = new Headers(Object.entries(req.headers).map(([k, v]): [string, string] => [k, String(v)]))
    const adapter = pick()
    let response: Response
    try {
      accepted.push(
        await adapter.parseWebhook({
          body: new Uint8Array(Buffer.concat(chunks)),
          headers,
          url: req.url ?? '/',
        }),
      )
      response = adapter.webhookResponse!({ ok: true })
    } catch (e) {
      const { code, message } = e as { code: string; message: string }
      rejected.push(code)
      response = adapter.webhookResponse!({ ok: false, error: { code, message } })
    }
    res.writeHead(response.status, Object.fromEntries(response.headers))
    res.end(Buffer.from(await response.arrayBuffer()))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/loop/webhooks/wechat`,
    accepted,
    rejected,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

/** Certificate-mode adapter options for the simulator: no key configured by hand. */
export function certificateAdapter(
  sim: WechatSimulator,
  storage: StorageAdapter,
  extra: { minIntervalMs?: number; refreshBeforeExpiryMs?: number } = {},
): WechatPaymentAdapter {
  const { verifiers: _configured, ...options } = sim.pay.adapterOptions()
  return wechatPayments({ ...options, retry: 0, platformCertificates: { storage, ...extra } })
}

/** How many `GET /v3/certificates` the simulator has answered. */
export function downloads(sim: WechatSimulator): number {
  return sim.pay.requests.filter((r) => r.url.startsWith('/v3/certificates')).length
}

let seq = 0
export function order(sim: WechatSimulator, total = 8800): Order {
  const now = sim.now()
  const number = `C${Date.now()}${seq++}`
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

export const customer: Customer = {
  id: 'cus_1',
  identities: [{ provider: 'wechat', subject: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' }],
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

/** Creates a JSAPI payment with `adapter` (its answer is verified); returns the order number. */
export async function createOrder(sim: WechatSimulator, adapter: WechatPaymentAdapter, notifyUrl: string) {
  const o = order(sim)
  await adapter.createPayment({
    order: o,
    customer,
    method: 'jsapi',
    notifyUrl,
    description: '南京盐水鸭 1 只',
  })
  return o.number
}

/** Creates a payment, then the buyer pays and WeChat posts the callback; returns its HTTP status. */
export async function payThrough(
  sim: WechatSimulator,
  adapter: WechatPaymentAdapter,
  notifyUrl: string,
): Promise<{ number: string; status: number | null }> {
  const number = await createOrder(sim, adapter, notifyUrl)
  const paid = await sim.pay.payOrder({ outTradeNo: number })
  return { number, status: paid.deliveries[0]?.status ?? null }
}
