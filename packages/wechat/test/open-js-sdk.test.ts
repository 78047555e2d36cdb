import { createHash } from 'node:crypto'
import { isLoopError, type LoopContext } from '@loopkit/core'
import { memoryStorage } from '@loopkit/core/dev'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { jsSdkSignature, wechatAccessToken, wechatJsSdk } from '../src/index.js'
import { startOpenSim, T0 } from './open-harness.js'

// protocols.md §5, the official 附录1 example [RUN].
const TICKET = 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg'

describe('jsSdkSignature', () => {
  it('reproduces the official example with ?params=value', () => {
    expect(
      jsSdkSignature({
        ticket: TICKET,
        nonceStr: 'Wm3WZYTPz0wzccnW',
        timestamp: 1414587457,
        url: 'http://mp.weixin.qq.com?params=value',
      }),
    ).toBe('0f9de62fce790f9a083d5c99e95740ceb90c27ed')
  })

  it('reproduces the older example without a query (no "/" added to the URL)', () => {
    expect(
      jsSdkSignature({
        ticket: TICKET,
        nonceStr: 'Wm3WZYTPz0wzccnW',
        timestamp: '1414587457',
        url: 'http://mp.weixin.qq.com',
      }),
    ).toBe('f4d90daf4b3bca3078ab155816175ba34c443a7b')
  })

  it('signs the URL without its fragment and without escaping the query', () => {
    const url = 'https://shop.example.com/p/duck?from=singlemessage&isappinstalled=0'
    const expected = createHash('sha1')
      .update(`jsapi_ticket=${TICKET}&noncestr=abc&timestamp=1&url=${url}`)
      .digest('hex')
    expect(jsSdkSignature({ ticket: TICKET, nonceStr: 'abc', timestamp: 1, url: `${url}#/cart?x=1` })).toBe(
      expected,
    )
  })
})

describe('wechatJsSdk plugin: GET /wechat/js-config', () => {
  let env: Awaited<ReturnType<typeof startOpenSim>>
  beforeEach(async () => {
    env = await startOpenSim()
  })
  afterEach(() => env.close())

  function setup(allowedOrigins?: string[]) {
    const storage = memoryStorage()
    const app = env.sim.officialAccount
    const tokens = wechatAccessToken({
      appid: app.appid,
      secret: app.secret,
      storage,
      baseUrl: env.url,
      now: env.sim.now,
    })
    const plugin = wechatJsSdk({ appid: app.appid, tokens, ...(allowedOrigins ? { allowedOrigins } : {}) })
    const route = plugin.routes!.find((r) => r.path === '/wechat/js-config' && r.method === 'GET')!
    const context = {
      storage,
      now: () => T0 + 1234,
      newId: (p: string) => `${p}_1`,
    } as unknown as LoopContext
    const call = (pageUrl: string | null) =>
      route.handler({
        request: new Request(
          `http://127.0.0.1/loop/wechat/js-config${pageUrl === null ? '' : `?url=${encodeURIComponent(pageUrl)}`}`,
        ),
        params: {},
        context,
        customerId: null,
      })
    return { tokens, call }
  }

  it('answers wx.config parameters whose signature verifies against the jsapi_ticket', async () => {
    const { tokens, call } = setup(['https://shop.example.com'])
    const page = 'https://shop.example.com/p/duck?from=timeline&isappinstalled=0'
    const res = await call(`${page}#section`)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = (await res.json()) as Record<string, unknown>
    expect(Object.keys(body).sort()).toEqual(['appId', 'jsApiList', 'nonceStr', 'signature', 'timestamp'])
    expect(body.appId).toBe(env.sim.officialAccount.appid)
    expect(body.timestamp).toBe(Math.floor((T0 + 1234) / 1000))
    expect(body.jsApiList).toEqual(['updateAppMessageShareData', 'updateTimelineShareData'])
    const ticket = await tokens.getTicket()
    expect(body.signature).toBe(
      jsSdkSignature({
        ticket,
        nonceStr: body.nonceStr as string,
        timestamp: body.timestamp as number,
        url: page,
      }),
    )
  })

  it('fetches the ticket once and serves it from the shared cache', async () => {
    const { call } = setup()
    await call('https://a.example/1')
    await call('https://a.example/2')
    expect(env.sim.calls('cgi-bin/ticket/getticket')).toBe(1)
    expect(env.sim.calls('cgi-bin/stable_token')).toBe(1)
  })

  it('refuses a page whose origin is not allowed with invalid_input (400)', async () => {
    const { call } = setup(['https://shop.example.com'])
    for (const bad of [
      'https://evil.example/p',
      'http://shop.example.com/p',
      'https://shop.example.com.evil.example/',
      'not a url',
      null,
    ]) {
      const error = await call(bad).then(
        () => null,
        (e: unknown) => e,
      )
      expect(isLoopError(error), String(bad)).toBe(true)
      expect((error as { code: string; status: number }).code).toBe('invalid_input')
      expect((error as { status: number }).status).toBe(400)
    }
    expect(env.sim.calls('cgi-bin/ticket/getticket')).toBe(0)
  })

  it('refuses an invalid allowed origin at construction', () => {
    const tokens = wechatAccessToken({ appid: 'wx1', secret: 's', storage: memoryStorage() })
    expect(() => wechatJsSdk({ appid: 'wx1', tokens, allowedOrigins: ['shop.example.com'] })).toThrow(
      /invalid origin/,
    )
  })
})
