// A receiving endpoint on loopback, written the way a user of webhookMessaging would write theirs:
// verify the signature on the raw body, dedupe by Idempotency-Key, answer 200 with an id. Tests can
// script failures ahead of the real answer.
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { SIGNATURE_HEADER, verifyBody, type WebhookMessage } from '../src/index.js'

export interface Receiver {
  url: string
  /** Messages accepted, once per Idempotency-Key, oldest first. */
  inbox: WebhookMessage[]
  /** Every request that arrived, with the headers the tests look at. */
  requests: Array<{ idempotencyKey: string | null; signature: string | null }>
  /** The next requests answer these statuses (then normal service resumes). */
  fail(...statuses: number[]): void
  /** The next `n` requests get no answer for `ms` milliseconds. */
  stall(n: number, ms: number): void
  close(): Promise<void>
}

export async function startReceiver(secret: string): Promise<Receiver> {
  const inbox: WebhookMessage[] = []
  const requests: Receiver['requests'] = []
  const seen = new Map<string, string>()
  const scripted: number[] = []
  let stalls = 0
  let stallMs = 0

  const app = new Hono()
  app.post('/messages/:token', async (c) => {
    const body = new Uint8Array(await c.req.arrayBuffer())
    const idempotencyKey = c.req.header('idempotency-key') ?? null
    const signature = c.req.header(SIGNATURE_HEADER) ?? null
    requests.push({ idempotencyKey, signature })
    if (stalls > 0) {
      stalls--
      await new Promise((resolve) => setTimeout(resolve, stallMs))
    }
    const status = scripted.shift()
    if (status !== undefined) {
      return c.body(null, status as 429, status === 429 ? { 'retry-after': '0' } : {})
    }
    if (!verifyBody({ body, header: signature, secret, now: Date.now() })) return c.text('bad signature', 401)
    if (!idempotencyKey) return c.text('missing Idempotency-Key', 400)
    const known = seen.get(idempotencyKey)
    if (known) return c.json({ id: known })
    const message = JSON.parse(Buffer.from(body).toString('utf8')) as WebhookMessage
    const id = `rcv_${inbox.length + 1}`
    seen.set(idempotencyKey, id)
    inbox.push(message)
    return c.json({ id })
  })

  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
        resolve({ server: s, port: info.port }),
      )
    },
  )
  return {
    // The path token stands for the secret part many webhook URLs have (Slack, Feishu, DingTalk).
    url: `http://127.0.0.1:${port}/messages/tok_9f2c7e1d`,
    inbox,
    requests,
    fail: (...statuses) => {
      scripted.push(...statuses)
    },
    stall: (n, ms) => {
      stalls = n
      stallMs = ms
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
