import { createLoop } from '@loopkit/core'
import { memoryStorage } from '@loopkit/core/dev'
import { referralRewards } from '@loopkit/core/plugins'
import { startSimulatorServer, type WechatSimulator, wechatSimulator } from '@loopkit/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { wechatAccessToken, wechatLogin, wechatMessages, wechatPayments } from '../src/index.js'

// The foundation's whole-loop test, with the WeChat adapters in place of the sandbox ones: every
// vendor call goes over loopback to the simulator, and WeChat Pay's callbacks come back over HTTP.

const OA = 'wx5100000000000001'
const duck = {
  id: 'duck',
  title: '盐水鸭',
  description: 'Nanjing salted duck',
  imageUrl: null,
  price: 8800,
  currency: 'CNY',
  stock: 10,
  active: true,
}

function wholeLoop(mode: 'publicKey' | 'certificate') {
  let sim: WechatSimulator
  let shopServer: Awaited<ReturnType<typeof startSimulatorServer>>
  let loop: ReturnType<typeof createLoop>
  const rewardsSeen: string[] = []

  beforeAll(async () => {
    sim = await wechatSimulator({ pay: { allowInsecureNotifyUrl: true, signWith: mode } })
    expect(sim.open.officialAccount.appid).toBe(OA)
    let handler: (req: Request) => Promise<Response> = async () => new Response(null, { status: 503 })
    shopServer = await startSimulatorServer({ handlers: [(req) => handler(req)] })
    const storage = memoryStorage()
    // Certificate mode: nothing configured by hand; the adapter downloads the platform certificates
    // and keeps them in the loop's own storage.
    const payments = (shared: typeof storage) => {
      if (mode === 'publicKey') return wechatPayments(sim.pay.adapterOptions())
      const { verifiers: _none, ...options } = sim.pay.adapterOptions()
      return wechatPayments({ ...options, platformCertificates: { storage: shared } })
    }
    const oa = sim.open.officialAccount
    const tokens = wechatAccessToken({
      appid: oa.appid,
      secret: oa.secret,
      storage,
      baseUrl: sim.url,
      now: sim.now,
    })
    loop = createLoop({
      secret: 'wechat-whole-loop-secret-0123456789abcdef',
      baseUrl: `${shopServer.url}/loop`,
      storage,
      now: sim.now,
      payments: [payments(storage)],
      identity: [
        wechatLogin({
          appid: oa.appid,
          secret: oa.secret,
          scope: 'snsapi_userinfo',
          baseUrl: sim.url,
          authorizeBaseUrl: sim.url,
        }),
      ],
      messaging: [
        wechatMessages({
          officialAccount: { tokens },
          templates: {
            'order.paid': {
              kind: 'template',
              templateId: 'tmpl_order_paid',
              fields: {
                thing1: { type: 'thing', from: 'title', truncate: true },
                amount2: { type: 'amount', from: 'amount' },
              },
            },
          },
        }),
      ],
      plugins: [referralRewards({ reward: { type: 'fixed', amount: 500 } })],
    })
    loop.on('reward.accrued', (e) => rewardsSeen.push(e.data.sharerId))
    handler = (req) => loop.fetch(req)
    await loop.catalog.put(duck)
  })

  afterAll(async () => {
    await shopServer?.close()
    await sim?.close()
  })

  /** A WeChat browser: keeps cookies, and walks the OAuth redirect through the simulator. */
  function wechatBrowser(user: string) {
    const jar = new Map<string, string>()
    async function request(url: string, init: RequestInit = {}) {
      const headers = new Headers(init.headers)
      if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '))
      const res = await fetch(new URL(url, shopServer.url), { ...init, headers, redirect: 'manual' })
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';')
        const i = pair!.indexOf('=')
        jar.set(pair!.slice(0, i), pair!.slice(i + 1))
      }
      return res
    }
    async function login(query: string) {
      sim.open.selectUser(user)
      const begin = await request(`/loop/login/wechat?${query}`)
      const authorize = await fetch(begin.headers.get('location')!, { redirect: 'manual' })
      return request(authorize.headers.get('location')!)
    }
    async function buy() {
      const res = await request('/loop/checkout', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          provider: 'wechat',
          method: 'jsapi',
          lines: [{ skuId: 'duck', quantity: 1 }],
        }),
      })
      expect(res.status).toBe(201)
      const { order, action } = (await res.json()) as {
        order: { id: string; number: string }
        action: { type: string; params: Record<string, string> }
      }
      expect(action.type).toBe('jsapi')
      expect(action.params).toMatchObject({
        appId: OA,
        signType: 'RSA',
        package: expect.stringMatching(/^prepay_id=/),
      })
      // WeixinJSBridge → the buyer pays at WeChat → TRANSACTION.SUCCESS is posted to the loop's webhook.
      await sim.pay.payOrder({ outTradeNo: order.number })
      await sim.idle()
      return order
    }
    return { request, login, buy }
  }

  describe(`the whole loop with the WeChat adapters against the simulator (${mode} mode)`, () => {
    it('A logs in with WeChat → pays with WeChat Pay → is notified by template message → shares; B opens it, logs in, pays, is attributed to A; one reward', async () => {
      const a = wechatBrowser('alice')
      expect((await a.login('returnTo=/')).status).toBe(302)
      const orderA = await a.buy()
      expect(
        ((await (await a.request(`/loop/orders/${orderA.id}`)).json()) as { order: { status: string } }).order
          .status,
      ).toBe('paid')

      await loop.notify.dispatch()
      const sent = sim.open.messages.filter((m) => m.openid === sim.open.openid('alice'))
      expect(sent).toEqual([
        expect.objectContaining({
          kind: 'template',
          templateId: 'tmpl_order_paid',
          data: { thing1: '盐水鸭', amount2: '¥88.00' },
        }),
      ])

      const share = (await (
        await a.request('/loop/shares', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ skuId: 'duck', channel: 'wechat' }),
        })
      ).json()) as { token: string; link: string }

      const b = wechatBrowser('bob')
      const landing = await b.request(new URL(share.link).pathname)
      expect(landing.status).toBe(302)
      await b.login(`returnTo=/&share=${share.token}`)
      const orderB = await b.buy()

      const stored = await loop.orders.get(orderB.id)
      const alice = (await loop.orders.get(orderA.id))!.customerId
      expect(stored).toMatchObject({ status: 'paid', attribution: { sharerId: alice } })
      expect(await loop.rewards.list({ sharerId: alice })).toEqual([
        expect.objectContaining({ orderId: orderB.id, status: 'held' }),
      ])
      expect(rewardsSeen).toHaveLength(1)
      // WeChat redelivers callbacks that are acknowledged late: nothing runs twice.
      expect((await loop.analytics.events({ types: ['order.paid'] })).length).toBe(2)
      // One certificate download served the whole loop; in public-key mode there is none.
      const downloads = sim.pay.requests.filter((r) => r.url.startsWith('/v3/certificates'))
      expect(downloads.length).toBe(mode === 'certificate' ? 1 : 0)
    })
  })
}

wholeLoop('publicKey')
wholeLoop('certificate')
