import { createLoop } from '@loopkit/core'
import { memoryStorage, sandboxPayments } from '@loopkit/core/dev'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  wechatAccessToken,
  wechatJsSdk,
  wechatLogin,
  wechatMessages,
  wechatMiniProgramLogin,
} from '../src/index.js'
import { startOpenSim } from './open-harness.js'

// The WeChat open-platform adapters inside a real loop, talking to the simulator over loopback.

const BASE = 'http://shop.test/loop'
const duck = {
  id: 'duck',
  title: 'Nanjing salted duck',
  description: '盐水鸭',
  imageUrl: null,
  price: 8800,
  currency: 'CNY',
  stock: 100,
  active: true,
}

let env: Awaited<ReturnType<typeof startOpenSim>>
beforeEach(async () => {
  env = await startOpenSim()
})
afterEach(() => env.close())

function shop() {
  const { sim, url } = env
  const storage = memoryStorage()
  const now = sim.now
  const oa = sim.officialAccount
  const mp = sim.miniProgram
  const oaTokens = wechatAccessToken({ appid: oa.appid, secret: oa.secret, storage, baseUrl: url, now })
  const mpTokens = wechatAccessToken({ appid: mp.appid, secret: mp.secret, storage, baseUrl: url, now })
  const sandbox = sandboxPayments({ now })
  const loop = createLoop({
    secret: 'wechat-open-e2e-secret-0123456789abcdef',
    baseUrl: BASE,
    storage,
    now,
    payments: [sandbox],
    identity: [
      wechatLogin({
        appid: oa.appid,
        secret: oa.secret,
        scope: 'snsapi_userinfo',
        baseUrl: url,
        authorizeBaseUrl: url,
      }),
      wechatMiniProgramLogin({ appid: mp.appid, secret: mp.secret, baseUrl: url, storage, now }),
    ],
    messaging: [
      wechatMessages({
        miniProgram: { tokens: mpTokens },
        templates: {
          'order.paid': {
            kind: 'subscribe',
            templateId: 'tmpl_paid',
            page: 'pages/orders/index',
            fields: {
              thing1: { type: 'thing', from: 'title', truncate: true },
              amount2: { type: 'amount', from: 'amount' },
            },
          },
        },
      }),
    ],
    plugins: [
      wechatJsSdk({ appid: oa.appid, tokens: oaTokens, allowedOrigins: ['https://shop.example.com'] }),
    ],
  })
  return { loop, storage, sandbox }
}

/**
 * The WeChat browser: follows the loop's redirect to the authorize page and back to the callback,
 * sending back the login binding cookie the loop set, as a browser does.
 */
async function webLogin(loop: ReturnType<typeof shop>['loop'], user: string, returnTo = '/shop') {
  env.sim.selectUser(user)
  const begin = await loop.fetch(new Request(`${BASE}/login/wechat?returnTo=${encodeURIComponent(returnTo)}`))
  expect(begin.status).toBe(302)
  const cookie = begin.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  const page = await fetch(begin.headers.get('location')!, { redirect: 'manual' })
  const callback = page.headers.get('location')!
  expect(callback.startsWith(`${BASE}/login/wechat/callback?`)).toBe(true)
  return { callback, cookie, response: await loop.fetch(new Request(callback, { headers: { cookie } })) }
}

describe('WeChat open platform in a loop', () => {
  it('logs a WeChat visitor in through loop.fetch, exchanging the code exactly once', async () => {
    const { loop, storage } = shop()
    const { callback, cookie, response } = await webLogin(loop, 'alice')
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/shop')
    expect(response.headers.get('set-cookie')).toBeTruthy()
    const customer = await storage.findCustomerByIdentity({
      provider: 'wechat',
      subject: env.sim.openid('alice'),
    })
    expect(customer).toMatchObject({
      displayName: '小丽',
      identities: [{ provider: 'wechat', unionId: 'union_alice' }],
    })
    // The redirect fired twice (back button): the loop does not spend the code again.
    const replay = await loop.fetch(new Request(callback, { headers: { cookie } }))
    expect(replay.status).toBeGreaterThanOrEqual(300)
    expect(env.sim.calls('sns/oauth2/access_token')).toBe(1)
  })

  it('refuses a Moments snapshot visitor as a buyer', async () => {
    const { loop, storage } = shop()
    const { response } = await webLogin(loop, 'snapshot')
    expect(response.headers.get('location')).toBe('/shop?login=snapshot')
    expect(response.headers.get('set-cookie')).toBeNull()
    expect(
      await storage.findCustomerByIdentity({ provider: 'wechat', subject: env.sim.openid('snapshot') }),
    ).toBeNull()
  })

  it('merges the mini-program login into the web customer through the unionid', async () => {
    const { loop, storage } = shop()
    await webLogin(loop, 'alice')
    const res = await loop.fetch(
      new Request(`${BASE}/login/wechat-mp/code`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: env.sim.miniProgramCode('alice') }),
      }),
    )
    expect(res.status).toBe(200)
    const body = (await res.json()) as { created: boolean; customer: { id: string } }
    expect(body.created).toBe(false)
    expect(JSON.stringify(body)).not.toMatch(/session_key|sessionKey/)
    const web = await storage.findCustomerByIdentity({ provider: 'wechat', subject: env.sim.openid('alice') })
    expect(body.customer.id).toBe(web!.id)
  })

  it('sends order.paid as a subscribe message against a one-time consent; 43101 revokes the consent', async () => {
    const { loop, sandbox } = shop()
    await loop.catalog.put(duck)
    const { customer } = await loop.customers.login({
      profile: {
        provider: 'wechat-mp',
        subject: env.sim.openid('bob', { appid: env.sim.miniProgram.appid }),
      },
    })
    const pay = async () => {
      const { order } = await loop.checkout({
        customerId: customer.id,
        lines: [{ skuId: 'duck', quantity: 1 }],
      })
      await loop.fetch(await sandbox.pay({ orderNumber: order.number }))
      return loop.notify.dispatch()
    }
    // bob accepted once in wx.requestSubscribeMessage: WeChat holds one credit, the loop one consent.
    env.sim.grantSubscription({ openid: customer.identities[0]!.subject, templateId: 'tmpl_paid', count: 1 })
    await loop.customers.grantConsent({
      customerId: customer.id,
      channel: 'wechat',
      topic: 'order.paid',
      count: 1,
    })
    expect(await pay()).toMatchObject({ sent: 1 })
    expect(env.sim.messages).toHaveLength(1)
    expect(env.sim.messages[0]).toMatchObject({
      kind: 'subscribe',
      user: 'bob',
      data: { thing1: 'Nanjing salted duck', amount2: '¥88.00' },
    })

    // The loop believes in another consent, but WeChat has none left (bob changed his mind).
    await loop.customers.grantConsent({
      customerId: customer.id,
      channel: 'wechat',
      topic: 'order.paid',
      count: 1,
    })
    expect(await pay()).toMatchObject({ dead: 1 })
    expect(env.sim.messages).toHaveLength(1)
    const consent = (await loop.customers.get(customer.id))!.consents.find((c) => c.topic === 'order.paid')
    expect(consent?.revokedAt).not.toBeNull()
  })

  it('serves /wechat/js-config and answers 400 for a page of another origin', async () => {
    const { loop } = shop()
    const page = 'https://shop.example.com/p/duck?from=singlemessage&isappinstalled=0'
    const ok = await loop.fetch(new Request(`${BASE}/wechat/js-config?url=${encodeURIComponent(page)}`))
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({
      appId: env.sim.officialAccount.appid,
      jsApiList: ['updateAppMessageShareData', 'updateTimelineShareData'],
    })
    const bad = await loop.fetch(
      new Request(`${BASE}/wechat/js-config?url=${encodeURIComponent('https://evil.example/p')}`),
    )
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_input' } })
  })
})
