import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Customer, PaymentAdapter } from '@loopkit/core'
import type { RawWebhook } from '@loopkit/testing'

/** A buyer without any provider identity: Alipay needs none. */
export const customer: Customer = {
  id: 'cus_alipay_contract',
  identities: [{ provider: 'sandbox', subject: 'alipay-buyer' }],
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

/**
 * The merchant's notify endpoint for adapter-level tests: captures what Alipay posts (raw bytes,
 * by notify_id) and answers `success`.
 */
export async function notifyReceiver() {
  const captured = new Map<string, RawWebhook>()
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = new Uint8Array(Buffer.concat(chunks))
    const headers = new Headers(Object.entries(req.headers).map(([k, v]): [string, string] => [k, String(v)]))
    const notifyId = new URLSearchParams(Buffer.from(body).toString()).get('notify_id') ?? ''
    captured.set(notifyId, { body, headers })
    res.writeHead(200, { 'content-type': 'text/plain' }).end('success')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/loop/webhooks/alipay`,
    captured,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

/** The buyer's browser opens the payment page (wap/page/app), as Alipay creates the trade only then. */
export function openingPaymentPage(adapter: PaymentAdapter, gateway: string): PaymentAdapter {
  return {
    ...adapter,
    createPayment: async (input) => {
      const out = await adapter.createPayment(input)
      const { action } = out
      let page: Response | null = null
      if (action.type === 'redirect') page = await fetch(action.url)
      if (action.type === 'app') page = await fetch(`${gateway}?${action.params.orderString}`)
      if (action.type === 'form') {
        const target = /action="([^"]+)"/.exec(action.html)![1]!.replace(/&amp;/g, '&')
        const fields = [...action.html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map(([, k, v]) => [
          k!,
          v!.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))),
        ])
        page = await fetch(target, { method: 'POST', body: new URLSearchParams(fields) })
      }
      if (page && page.status !== 200)
        throw new Error(`cashier page answered ${page.status}: ${await page.text()}`)
      return out
    },
  }
}

/** A genuine notification with its `sign` altered in the middle. */
export function forgeSign(webhook: RawWebhook): RawWebhook {
  const params = new URLSearchParams(Buffer.from(webhook.body).toString())
  const sign = params.get('sign') ?? ''
  const i = Math.floor(sign.length / 2)
  params.set('sign', `${sign.slice(0, i)}${sign[i] === 'A' ? 'B' : 'A'}${sign.slice(i + 1)}`)
  return { ...webhook, body: new TextEncoder().encode(params.toString()) }
}
