import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createLoop, type LoopOptions, type StorageAdapter } from '@loopkit/core'
import { memoryStorage, sandboxPayments } from '@loopkit/core/dev'
import { type WechatSimulator, wechatSimulator } from '@loopkit/testing'
import type { WechatAccessToken } from '../src/index.js'
import { type WechatOfficialAccountOptions, wechatOfficialAccount } from '../src/index.js'

export const OA_TOKEN = 'loopkit'
export const OA_AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'
export const SECRET = 'oa-test-secret-oa-test-secret-oa-test-0001'

export const duck = {
  id: 'duck',
  title: '南京盐水鸭',
  description: null,
  imageUrl: null,
  price: 8800,
  currency: 'CNY',
  stock: 50,
  active: true,
}

/**
 * The loop on loopback with the official-account plugin, the WeChat simulator (clock frozen) pushing
 * to it over HTTP, exactly as WeChat would reach a deployed server.
 */
export async function oaWorld(
  input: {
    mode?: WechatOfficialAccountOptions['mode']
    oa?: Partial<WechatOfficialAccountOptions>
    sim?: Parameters<typeof wechatSimulator>[0]
    /** The storage (default: memory), and more loop options given the account's tokens (messaging, policy). */
    storage?: StorageAdapter
    loop?: (parts: { tokens: WechatAccessToken }) => Partial<LoopOptions>
  } = {},
) {
  const mode = input.mode ?? 'safe'
  const sim: WechatSimulator = await wechatSimulator({
    timeScale: 0,
    ...input.sim,
    oa: { replyTimeoutMs: 3_000, ...input.sim?.oa },
  })
  let handle: (request: Request) => Promise<Response> = async () => new Response(null, { status: 503 })
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = Buffer.concat(chunks)
    const headers = new Headers(Object.entries(req.headers).map(([k, v]): [string, string] => [k, String(v)]))
    const response = await handle(
      new Request(`http://127.0.0.1${req.url}`, {
        method: req.method ?? 'GET',
        headers,
        ...(body.length ? { body: new Uint8Array(body) } : {}),
      }),
    )
    res.writeHead(response.status, Object.fromEntries(response.headers))
    res.end(Buffer.from(await response.arrayBuffer()))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/loop`
  const storage = input.storage ?? memoryStorage()
  const sandbox = sandboxPayments({ now: sim.now })
  const oa = wechatOfficialAccount({
    appid: sim.oa.account.appid,
    secret: sim.oa.account.secret,
    token: OA_TOKEN,
    encodingAesKey: OA_AES_KEY,
    mode,
    baseUrl: sim.url,
    ...input.oa,
  })
  const loop = createLoop({
    secret: SECRET,
    baseUrl,
    storage,
    payments: [sandbox],
    plugins: [oa],
    now: sim.now,
    ...input.loop?.({ tokens: oa.tokens({ storage }) }),
  })
  handle = loop.fetch
  await loop.catalog.put(duck)
  const eventsUrl = `${baseUrl}/wechat/events`
  sim.oa.configure({ url: eventsUrl, token: OA_TOKEN, encodingAesKey: OA_AES_KEY, mode })
  const tokens = oa.tokens({ storage })
  const customerOf = async (user: string) =>
    storage.findCustomerByIdentity({ provider: 'wechat', subject: sim.oa.openid(user) })
  const events = async (type: string) => loop.analytics.events({ types: [type] })
  return {
    sim,
    loop,
    oa,
    storage,
    sandbox,
    tokens,
    eventsUrl,
    customerOf,
    events,
    async close() {
      await loop.close()
      await new Promise<void>((r) => server.close(() => r()))
      await sim.close()
    },
  }
}

export type OaWorld = Awaited<ReturnType<typeof oaWorld>>
