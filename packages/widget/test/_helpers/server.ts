import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { createLoop, type Loop } from '@loopkit/core'
import { consoleMessaging, memoryStorage, sandboxIdentity, sandboxPayments } from '@loopkit/core/dev'
import { wechatAccessToken, wechatJsSdk } from '@loopkit/wechat'
import { build } from 'esbuild'
import { PNG } from 'pngjs'

/** The jsapi_ticket the stubbed WeChat API hands out, so tests can recompute the signature. */
export const TEST_TICKET =
  'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg'
export const TEST_APPID = 'wx0123456789abcdef'

export interface TestSite {
  origin: string
  /** The loop's base URL: `${origin}/loop`. */
  endpoint: string
  loop: Loop
  identity: ReturnType<typeof sandboxIdentity>
  /** A page with one card: `token`, `sku` and `lang` become its attributes. */
  pageUrl(attrs: Record<string, string>): string
  /** Creates a customer through the loop's programmatic login and a share of `skuId`. */
  share(skuId: string, name?: string): Promise<{ token: string; link: string; shareId: string }>
  close(): Promise<void>
}

/** A 600×600 PNG: a warm gradient with a dark disc, so the poster has a real picture to crop. */
function productPng(): Buffer {
  const png = new PNG({ width: 600, height: 400 })
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4
      const inDisc = (x - 300) ** 2 + (y - 200) ** 2 < 120 ** 2
      png.data[i] = inDisc ? 120 : 240
      png.data[i + 1] = inDisc ? 60 : 170 + Math.round((y / png.height) * 60)
      png.data[i + 2] = inDisc ? 20 : 90
      png.data[i + 3] = 255
    }
  }
  return PNG.sync.write(png)
}

/** The widget as a browser would load it: `define.ts` bundled by esbuild. */
export async function bundleWidget(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../../src/define.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    target: 'es2020',
    write: false,
  })
  return result.outputFiles[0]!.text
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v)
    else if (value !== undefined) headers.set(name, value)
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
  return new Request(`${origin}${req.url}`, {
    method: req.method!,
    headers,
    ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
  })
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value)
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length) res.setHeader('set-cookie', cookies)
  res.end(Buffer.from(await response.arrayBuffer()))
}

/**
 * A real loop (memory storage, sandbox login and payments, the WeChat JS-SDK plugin with WeChat's
 * token API stubbed in-process) behind node:http on 127.0.0.1, plus the pages the tests open.
 */
export async function startSite(): Promise<TestSite> {
  const widget = await bundleWidget()
  const image = productPng()
  let loop: Loop | undefined
  const identity = sandboxIdentity()
  const server: Server = createServer((req, res) => {
    void route(req, res).catch((error: unknown) => {
      res.statusCode = 500
      res.end(String(error))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const endpoint = `${origin}/loop`

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin)
    if (url.pathname.startsWith('/loop/') || url.pathname === '/loop')
      return send(res, await loop!.fetch(await toRequest(req, origin)))
    if (url.pathname === '/widget.js') {
      res.setHeader('content-type', 'text/javascript; charset=utf-8')
      return void res.end(widget)
    }
    if (url.pathname === '/img/duck.png' || url.pathname === '/img/no-cors.png') {
      res.setHeader('content-type', 'image/png')
      // The poster needs CORS to read the picture back from the canvas; no-cors.png has none.
      if (url.pathname === '/img/duck.png') res.setHeader('access-control-allow-origin', '*')
      return void res.end(image)
    }
    if (url.pathname === '/page') {
      const attrs = [...url.searchParams]
        .map(([k, v]) => ` ${k}="${v.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`)}"`)
        .join('')
      res.setHeader('content-type', 'text/html; charset=utf-8')
      return void res.end(`<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Share card test</title><script type="module" src="/widget.js"></script>
<style>body{margin:24px;font-family:sans-serif;background:#f6f6f6}</style></head>
<body><main><h1>Nanjing salted duck</h1><loopkit-share-card endpoint="${endpoint}"${attrs}></loopkit-share-card></main></body></html>`)
    }
    res.statusCode = 404
    res.end('not found')
  }

  // WeChat's token and ticket endpoints, answered in-process: nothing leaves the machine.
  const wechatApi = async (input: Request | URL | string) => {
    const url = String(input instanceof Request ? input.url : input)
    if (url.includes('stable_token') || url.includes('/cgi-bin/token'))
      return Response.json({ access_token: 'ACCESS_TOKEN', expires_in: 7200 })
    if (url.includes('/cgi-bin/ticket/getticket'))
      return Response.json({ errcode: 0, errmsg: 'ok', ticket: TEST_TICKET, expires_in: 7200 })
    return Response.json({ errcode: 40001, errmsg: 'unexpected call in test' })
  }
  const storage = memoryStorage()
  loop = createLoop({
    secret: 'widget-tests-secret-0123456789-abcdefghij',
    baseUrl: endpoint,
    storage,
    payments: [sandboxPayments()],
    identity: [identity],
    messaging: [consoleMessaging({ log: () => {} })],
    plugins: [
      wechatJsSdk({
        appid: TEST_APPID,
        tokens: wechatAccessToken({
          appid: TEST_APPID,
          secret: 'test-app-secret',
          storage,
          fetch: wechatApi,
        }),
      }),
    ],
  })
  await loop.catalog.put({
    id: 'duck',
    title: '南京盐水鸭 Nanjing salted duck',
    description: 'Brined, poached and cooled — the Qinhuai way.',
    imageUrl: `${origin}/img/duck.png`,
    price: 8800,
    currency: 'CNY',
    stock: 100,
    active: true,
  })
  await loop.catalog.put({
    id: 'tea',
    title: 'Yuhua tea',
    description: null,
    // Another origin (localhost, not 127.0.0.1) without CORS headers: the canvas may not read it.
    imageUrl: `${origin.replace('127.0.0.1', 'localhost')}/img/no-cors.png`,
    price: 4200,
    currency: 'CNY',
    stock: null,
    active: true,
  })

  let customers = 0
  return {
    origin,
    endpoint,
    loop,
    identity,
    pageUrl: (attrs) => `${origin}/page?${new URLSearchParams(attrs)}`,
    async share(skuId, name = `sharer ${++customers}`) {
      const { customer } = await loop!.customers.login({
        profile: { provider: 'sandbox', subject: name, displayName: name },
      })
      const { token, link, share } = await loop!.shares.create({ customerId: customer.id, skuId })
      return { token, link, shareId: share.id }
    },
    async close() {
      await loop!.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
