import { createLoop } from '@loopkit/core'
import { memoryStorage, sandboxPayments } from '@loopkit/core/dev'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { wechatLogin } from '../src/index.js'
import { startOpenSim } from './open-harness.js'

// The WeChat web login (OAuth through the simulator) against the HTTP-layer rules of issue #9.

const ORIGIN = 'https://shop.example.com'
const BASE = `${ORIGIN}/loop`

let env: Awaited<ReturnType<typeof startOpenSim>>
beforeEach(async () => {
  env = await startOpenSim()
})
afterEach(() => env.close())

function shop() {
  const { sim, url } = env
  const storage = memoryStorage()
  const oa = sim.officialAccount
  const loop = createLoop({
    secret: 'wechat-security-secret-0123456789abcdef',
    baseUrl: BASE,
    storage,
    now: sim.now,
    payments: [sandboxPayments({ now: sim.now })],
    identity: [
      wechatLogin({
        appid: oa.appid,
        secret: oa.secret,
        scope: 'snsapi_userinfo',
        baseUrl: url,
        authorizeBaseUrl: url,
      }),
    ],
  })
  return { loop, storage }
}

/** Starts a login as `user` in a WeChat browser; returns its cookies and the callback WeChat redirects to. */
async function authorize(loop: ReturnType<typeof shop>['loop'], user: string, returnTo = '/shop') {
  env.sim.selectUser(user)
  const begin = await loop.fetch(new Request(`${BASE}/login/wechat?returnTo=${encodeURIComponent(returnTo)}`))
  expect(begin.status).toBe(302)
  const binding = begin.headers.getSetCookie().find((c) => c.startsWith('lk_login='))!
  expect(binding).toContain('; Secure')
  const cookie = begin.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  const page = await fetch(begin.headers.get('location')!, { redirect: 'manual' })
  return { cookie, callback: page.headers.get('location')! }
}

const payloads = [
  '/.//evil.example/x',
  '/..//evil.example/x',
  '/a/..//evil.example/x',
  '/x/../\\evil.example/x',
  '/%2e%2e//evil.example/x',
]

describe('#9.1 WeChat web login is bound to the browser that started it', () => {
  it('#9.1 login callback from another browser is refused, and the WeChat code is not spent', async () => {
    const { loop, storage } = shop()
    const { callback, cookie } = await authorize(loop, 'alice')
    // The attacker's WeChat callback opened in the victim's browser (no binding cookie of this login).
    const refused = await loop.fetch(
      new Request(callback, {
        headers: { accept: 'text/html', cookie: 'lk_login=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      }),
    )
    expect(refused.status).toBe(403)
    expect(refused.headers.get('content-type')).toContain('text/html')
    expect(refused.headers.getSetCookie().some((c) => c.startsWith('lk_session='))).toBe(false)
    expect(env.sim.calls('sns/oauth2/access_token')).toBe(0)
    expect(
      await storage.findCustomerByIdentity({ provider: 'wechat', subject: env.sim.openid('alice') }),
    ).toBeNull()
    // The browser that started it still logs in, exchanging the code once.
    const ok = await loop.fetch(new Request(callback, { headers: { cookie } }))
    expect(ok.status).toBe(302)
    expect(ok.headers.get('location')).toBe('/shop')
    expect(env.sim.calls('sns/oauth2/access_token')).toBe(1)
  })
})

describe('#9.2 WeChat login outcomes stay on the configured origin', () => {
  for (const payload of payloads) {
    it(`#9.2 success and snapshot-user outcomes for returnTo=${payload}`, async () => {
      const { loop } = shop()
      for (const user of ['alice', 'snapshot']) {
        const { callback, cookie } = await authorize(loop, user, payload)
        const res = await loop.fetch(new Request(callback, { headers: { cookie } }))
        expect(res.status).toBe(302)
        const location = res.headers.get('location')!
        expect(location).not.toMatch(/^[/\\]{2}/)
        expect(new URL(location, callback).origin).toBe(ORIGIN)
        if (user === 'snapshot') expect(new URL(location, ORIGIN).searchParams.get('login')).toBe('snapshot')
      }
    })
  }
})
