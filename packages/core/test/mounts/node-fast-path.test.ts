import { createServer, request as httpRequest, type Server } from 'node:http'
import { createLoop } from '@loopkit/core'
import { consoleMessaging, memoryStorage, sandboxPayments } from '@loopkit/core/dev'
import { toNodeListener } from '@loopkit/core/node'
import { afterEach, describe, expect, it } from 'vitest'
import {
  REQUEST_BYTES as HTTP_REQUEST_BYTES,
  STANDARD_REQUEST as HTTP_STANDARD,
} from '../../src/http/body.js'
import { RESPONSE_TEXT as HTTP_RESPONSE_TEXT, SERVE as HTTP_SERVE } from '../../src/http/respond.js'
import { REQUEST_BYTES, RESPONSE_TEXT, SERVE, STANDARD_REQUEST } from '../../src/node/keys.js'
import { portOf } from './_http.js'

// toNodeListener(loop.fetch) takes the loop's inner entry (no standard Request or Response per
// request for small bodies and the loop's JSON answers): these pin what must not change with it.

let server: Server | null = null
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())))

const BASE = 'http://shop.test/loop'
/** The customer id of the one registered buyer, for resolvers made before the loop. */
const buyer = { id: '' }

async function servedLoop(options: Partial<Parameters<typeof createLoop>[0]> = {}) {
  const loop = createLoop({
    secret: 'fast-path-secret-fast-path-secret-0123',
    baseUrl: BASE,
    storage: memoryStorage(),
    payments: [sandboxPayments()],
    messaging: [consoleMessaging({ log: () => {} })],
    onError: () => {},
    ...options,
  })
  buyer.id = (await loop.customers.login({ profile: { provider: 'sandbox', subject: 'buyer' } })).customer.id
  await loop.catalog.put({
    id: 'duck',
    title: 'Nanjing salted duck',
    description: null,
    imageUrl: null,
    price: 8800,
    currency: 'CNY',
    stock: 3,
    active: true,
  })
  server = createServer(toNodeListener(loop.fetch, { origin: BASE }))
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done))
  return { loop, port: portOf(server) }
}

interface Sent {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function send(
  port: number,
  input: { method?: string; path: string; headers?: Record<string, string>; body?: string | Uint8Array },
): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: input.method ?? 'GET',
        path: input.path,
        headers: input.headers ?? {},
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => {
          body += c
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      },
    )
    req.on('error', reject)
    req.end(input.body)
  })
}

const checkoutBody = JSON.stringify({ lines: [{ skuId: 'duck', quantity: 1 }] })
const json = { 'content-type': 'application/json' }

describe('toNodeListener(loop.fetch): the inner entry', () => {
  it('the node entry and the handler share their keys', () => {
    expect([SERVE, RESPONSE_TEXT, REQUEST_BYTES, STANDARD_REQUEST]).toEqual([
      HTTP_SERVE,
      HTTP_RESPONSE_TEXT,
      HTTP_REQUEST_BYTES,
      HTTP_STANDARD,
    ])
  })

  it('loop.fetch itself still answers with standard Responses', async () => {
    const loop = createLoop({
      secret: 'fast-path-secret-fast-path-secret-0123',
      baseUrl: BASE,
      storage: memoryStorage(),
    })
    expect(typeof (loop.fetch as unknown as Record<symbol, unknown>)[SERVE]).toBe('function')
    const res = await loop.fetch(new Request(`${BASE}/catalog`))
    expect(Object.getPrototypeOf(res)).toBe(Response.prototype)
    expect(RESPONSE_TEXT in res).toBe(false)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(await res.json()).toEqual({ skus: [] })
  })

  it('a checkout is read from the bytes Node read, and its JSON answer has its content-length', async () => {
    const seen: Request[] = []
    const { port } = await servedLoop({
      session: {
        resolve: (request) => {
          seen.push(request)
          return request.headers.get('x-buyer') === 'me' ? buyer.id : null
        },
      },
    })
    const res = await send(port, {
      method: 'POST',
      path: '/loop/checkout',
      headers: { ...json, 'x-buyer': 'me' },
      body: checkoutBody,
    })
    expect(res.status).toBe(201)
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.body)))
    expect(res.headers['transfer-encoding']).toBeUndefined()
    expect(res.headers['cache-control']).toBe('no-store')
    expect(JSON.parse(res.body).order.customerId).toBe(buyer.id)
    const request = seen[0]!
    // Read from Node's request, not a standard one (the point of the inner entry)…
    expect(Object.getPrototypeOf(request) === Request.prototype).toBe(false)
    // …and yet a Request in every way the resolver reads it.
    expect(request).toBeInstanceOf(Request)
    expect(request.method).toBe('POST')
    expect(request.url).toBe('http://shop.test/loop/checkout')
    expect(request.headers).toBeInstanceOf(Headers)
    expect(request.headers.get('Content-Type')).toBe('application/json')
    expect([...request.headers].map(([name]) => name)).toContain('x-buyer')
    // The loop read the body: it is used, as on a standard Request.
    expect(request.bodyUsed).toBe(true)
    await expect(request.text()).rejects.toThrow(TypeError)
  })

  it('the resolver can read the body itself, and clone() is a standard Request fetch() accepts', async () => {
    let text = ''
    let forwarded: Request | null = null
    const { port } = await servedLoop({
      session: {
        resolve: async (request) => {
          const copy = request.clone()
          forwarded = new Request(copy, { headers: { 'x-forwarded': '1' } })
          text = await request.text()
          return buyer.id
        },
      },
    })
    const res = await send(port, {
      method: 'POST',
      path: '/loop/checkout',
      headers: json,
      body: checkoutBody,
    })
    // The body was the resolver's to read: the route then finds it used, as with a standard Request.
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(text).toBe(checkoutBody)
    expect(Object.getPrototypeOf(forwarded)).toBe(Request.prototype)
    expect(await forwarded!.text()).toBe(checkoutBody)
    expect(forwarded!.headers.get('x-forwarded')).toBe('1')
  })

  it('a JSON answer with characters outside ASCII declares its length in bytes', async () => {
    const { loop, port } = await servedLoop()
    await loop.catalog.put({
      id: 'goose',
      title: '南京盐水鹅 😀 é',
      description: null,
      imageUrl: null,
      price: 9900,
      currency: 'CNY',
      stock: 1,
      active: true,
    })
    const res = await send(port, { path: '/loop/catalog' })
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.body)))
    expect(JSON.parse(res.body).skus.map((s: { title: string }) => s.title)).toContain('南京盐水鹅 😀 é')
  })

  it('a buffered body past its route limit is refused (413), and reading stops at the limit', async () => {
    const { port } = await servedLoop({ session: { resolve: () => 'cus_big' } })
    // 12 KiB of JSON to the 2 KiB share-events route: small enough to be read ahead, too big for it.
    const big = JSON.stringify({ token: 'x'.repeat(12 * 1024), type: 'share', channel: 'wechat' })
    const res = await send(port, { method: 'POST', path: '/loop/events', headers: json, body: big })
    expect(res.status).toBe(413)
    expect(JSON.parse(res.body).error.code).toBe('payload_too_large')
  })

  it('a webhook is verified on the exact bytes sent, whichever way they were read', async () => {
    const sandbox = sandboxPayments()
    const { loop, port } = await servedLoop({ payments: [sandbox] })
    const { order } = await loop.checkout({ customerId: buyer.id, lines: [{ skuId: 'duck', quantity: 1 }] })
    const signed = await sandbox.pay({ orderNumber: order.number })
    const bytes = new Uint8Array(await signed.clone().arrayBuffer())
    const headers: Record<string, string> = {}
    signed.headers.forEach((v, k) => {
      headers[k] = v
    })
    // One byte changed after signing: refused, nothing paid.
    const forged = bytes.slice()
    forged[forged.length - 2] = forged[forged.length - 2]! ^ 1
    const refused = await send(port, {
      method: 'POST',
      path: '/loop/webhooks/sandbox',
      headers,
      body: forged,
    })
    expect(refused.status).toBeGreaterThanOrEqual(400)
    expect((await loop.storage.getOrder({ id: order.id }))!.status).toBe('pending')
    const paid = await send(port, { method: 'POST', path: '/loop/webhooks/sandbox', headers, body: bytes })
    expect(paid.status).toBeLessThan(300)
    expect((await loop.storage.getOrder({ id: order.id }))!.status).toBe('paid')
  })

  it('CORS: allowed origins get their headers on the JSON answers and on preflights', async () => {
    const { port } = await servedLoop({
      cors: { origins: ['https://app.example'] },
      session: { resolve: () => 'cus_cors' },
    })
    const origin = { origin: 'https://app.example' }
    const res = await send(port, { path: '/loop/catalog', headers: origin })
    expect(res.status).toBe(200)
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example')
    expect(res.headers['access-control-allow-credentials']).toBe('true')
    expect(res.headers.vary).toBe('Origin')
    const other = await send(port, { path: '/loop/catalog', headers: { origin: 'https://evil.example' } })
    expect(other.headers['access-control-allow-origin']).toBeUndefined()
    const preflight = await send(port, { method: 'OPTIONS', path: '/loop/checkout', headers: origin })
    expect(preflight.status).toBe(204)
    expect(preflight.headers['access-control-allow-methods']).toBe('GET, POST')
  })

  it('a route that answers JSON with cookies sends each Set-Cookie separately', async () => {
    const { port } = await servedLoop()
    const res = await send(port, { method: 'POST', path: '/loop/logout' })
    const cookies = res.headers['set-cookie'] ?? []
    expect(res.status).toBeLessThan(300)
    expect(Array.isArray(cookies) && cookies.length).toBeGreaterThan(0)
    expect(cookies[0]).toMatch(/^lk_session=;/)
  })

  it("the request's signal aborts when the client goes away before the answer", async () => {
    let aborted: () => void = () => {}
    const signalled = new Promise<void>((resolve) => {
      aborted = resolve
    })
    const { port } = await servedLoop({
      session: {
        resolve: (request) =>
          new Promise<string>((resolve) => {
            request.signal.addEventListener('abort', () => {
              aborted()
              resolve('cus_gone')
            })
          }),
      },
    })
    await new Promise<void>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'GET', path: '/loop/orders' })
      req.on('error', () => {})
      req.end()
      setTimeout(() => {
        req.destroy()
        resolve()
      }, 50)
    })
    await signalled
  })

  it('a chunked body (no declared length) still reaches the loop, streamed, with its limit', async () => {
    const { port } = await servedLoop({ session: { resolve: () => buyer.id } })
    const res = await new Promise<Sent>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, method: 'POST', path: '/loop/checkout', headers: json },
        (r) => {
          let body = ''
          r.on('data', (c: Buffer) => {
            body += c.toString()
          })
          r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, body }))
        },
      )
      req.on('error', reject)
      req.write(checkoutBody.slice(0, 10))
      req.end(checkoutBody.slice(10))
    })
    expect(res.status).toBe(201)
  })
})
