import { inspect } from 'node:util'
import { memoryStorage } from '@loopkit/core/dev'
import { testIdentityAdapter, wechatSimulator } from '@loopkit/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { wechatLogin, wechatMiniProgramLogin } from '../src/index.js'
import { startOpenSim } from './open-harness.js'

const CALLBACK = 'https://shop.example.com/loop/login/wechat/callback'
const STATE = 'k3J9xQ2mP8vR5tY7wZ1aB4cD6eF0gH2j8a9b0c1d2e3f4a5b'

const caught = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  )

let env: Awaited<ReturnType<typeof startOpenSim>>
beforeEach(async () => {
  env = await startOpenSim()
})
afterEach(() => env.close())

function login(scope?: 'snsapi_base' | 'snsapi_userinfo') {
  const app = env.sim.officialAccount
  return wechatLogin({
    appid: app.appid,
    secret: app.secret,
    baseUrl: env.url,
    authorizeBaseUrl: env.url,
    ...(scope ? { scope } : {}),
  })
}

/** Opens the authorize URL as WeChat's browser would and returns where it redirects. */
async function visit(authorizeUrl: string): Promise<URL> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' })
  expect(res.status).toBe(302)
  return new URL(res.headers.get('location')!)
}

async function codeFor(user: string, scope?: 'snsapi_base' | 'snsapi_userinfo'): Promise<string> {
  env.sim.selectUser(user)
  const back = await visit(await login(scope).authorizeUrl({ state: STATE, redirectUri: CALLBACK }))
  return back.searchParams.get('code')!
}

describe('wechatLogin (official-account web OAuth)', () => {
  it('builds the documented authorize URL: parameter order, encoding, #wechat_redirect', async () => {
    const app = env.sim.officialAccount
    const real = wechatLogin({ appid: app.appid, secret: app.secret })
    expect(await real.authorizeUrl({ state: STATE, redirectUri: CALLBACK, scope: 'snsapi_userinfo' })).toBe(
      `https://open.weixin.qq.com/connect/oauth2/authorize?appid=${app.appid}` +
        '&redirect_uri=https%3A%2F%2Fshop.example.com%2Floop%2Flogin%2Fwechat%2Fcallback' +
        `&response_type=code&scope=snsapi_userinfo&state=${STATE}#wechat_redirect`,
    )
  })

  it('refuses a state WeChat would not echo (outside [A-Za-z0-9] or over 128 bytes)', async () => {
    for (const state of ['a.b', 'x'.repeat(129), 'ab cd']) {
      expect(await caught(login().authorizeUrl({ state, redirectUri: CALLBACK }))).toMatchObject({
        code: 'invalid_input',
      })
    }
  })

  it('logs in through the redirect: the code comes back with the same state, and gives the openid', async () => {
    const back = await visit(await login().authorizeUrl({ state: STATE, redirectUri: CALLBACK }))
    expect(`${back.origin}${back.pathname}`).toBe(CALLBACK)
    expect(back.searchParams.get('state')).toBe(STATE)
    const profile = await login().exchangeCode({
      code: back.searchParams.get('code')!,
      redirectUri: CALLBACK,
    })
    // snsapi_base: openid only (the current docs return unionid only for snsapi_userinfo).
    expect(profile).toEqual({ provider: 'wechat', subject: env.sim.openid('alice') })
  })

  it('with snsapi_userinfo, returns nickname, avatar and unionid', async () => {
    const profile = await login('snsapi_userinfo').exchangeCode({
      code: await codeFor('alice', 'snsapi_userinfo'),
    })
    expect(profile).toEqual({
      provider: 'wechat',
      subject: env.sim.openid('alice'),
      unionId: 'union_alice',
      displayName: '小丽',
      avatarUrl: 'https://thirdwx.qlogo.cn/sim/alice/132',
    })
    expect(env.sim.calls('sns/userinfo')).toBe(1)
  })

  it('refuses a code used twice (40163, e.g. back button or a double redirect) with unauthorized', async () => {
    const code = await codeFor('alice')
    await login().exchangeCode({ code })
    const error = await caught(login().exchangeCode({ code }))
    expect(error).toMatchObject({ code: 'unauthorized', providerCode: '40163', status: 401 })
    expect((error as Error).message).toContain('code been used')
  })

  it('refuses a code older than five minutes (40029) with unauthorized', async () => {
    const code = await codeFor('alice')
    await env.sim.advance(5 * 60_000 + 1000)
    expect(await caught(login().exchangeCode({ code }))).toMatchObject({
      code: 'unauthorized',
      providerCode: '40029',
    })
  })

  it('a user who denies comes back with only the state', async () => {
    env.sim.selectUser('refuser')
    const back = await visit(
      await login('snsapi_userinfo').authorizeUrl({ state: STATE, redirectUri: CALLBACK }),
    )
    expect([...back.searchParams.keys()]).toEqual(['state'])
    expect(back.searchParams.get('state')).toBe(STATE)
  })

  it('marks a Moments snapshot visitor as snapshot, without fetching userinfo', async () => {
    const profile = await login('snsapi_userinfo').exchangeCode({
      code: await codeFor('snapshot', 'snsapi_userinfo'),
    })
    expect(profile.snapshot).toBe(true)
    expect(profile.displayName).toBeUndefined()
    expect(env.sim.calls('sns/userinfo')).toBe(0)
  })

  it('keeps the secret out of errors for a wrong secret', async () => {
    const secret = 'not_the_secret_9f8e7d6c5b4a'
    const bad = wechatLogin({ appid: env.sim.officialAccount.appid, secret, baseUrl: env.url })
    const error = await caught(bad.exchangeCode({ code: await codeFor('alice') }))
    expect(error).toMatchObject({ code: 'configuration', providerCode: '40125' })
    expect(inspect(error, { depth: 5 })).not.toContain(secret)
  })
})

describe('wechatMiniProgramLogin (jscode2session)', () => {
  function mp(storage = memoryStorage()) {
    const app = env.sim.miniProgram
    return wechatMiniProgramLogin({
      appid: app.appid,
      secret: app.secret,
      baseUrl: env.url,
      storage,
      now: env.sim.now,
    })
  }

  it('exchanges a wx.login code for the openid and unionid, and nothing else', async () => {
    const profile = await mp().exchangeCode({ code: env.sim.miniProgramCode('alice') })
    expect(profile).toEqual({
      provider: 'wechat-mp',
      subject: env.sim.openid('alice', { appid: env.sim.miniProgram.appid }),
      unionId: 'union_alice',
    })
  })

  it('merges with the official-account identity through the unionid', async () => {
    const storage = memoryStorage()
    const web = await login('snsapi_userinfo').exchangeCode({
      code: await codeFor('alice', 'snsapi_userinfo'),
    })
    const app = await mp(storage).exchangeCode({ code: env.sim.miniProgramCode('alice') })
    expect(web.subject).not.toBe(app.subject)
    const first = await storage.upsertCustomer({ id: 'cus_web', profile: web, now: env.sim.now() })
    const second = await storage.upsertCustomer({ id: 'cus_mp', profile: app, now: env.sim.now() })
    expect(second.created).toBe(false)
    expect(second.customer.id).toBe(first.customer.id)
    expect(second.customer.identities.map((i) => i.provider).sort()).toEqual(['wechat', 'wechat-mp'])
  })

  it("keeps the session_key on the server and decrypts the user's encrypted data with it", async () => {
    const storage = memoryStorage()
    const adapter = mp(storage)
    const profile = await adapter.exchangeCode({ code: env.sim.miniProgramCode('bob') })
    const payload = env.sim.encryptUserData({
      user: 'bob',
      data: { phoneNumber: '13800138000', countryCode: '86' },
    })
    const data = await adapter.decrypt({ openid: profile.subject, ...payload })
    expect(data).toMatchObject({
      phoneNumber: '13800138000',
      watermark: { appid: env.sim.miniProgram.appid },
    })
    expect(await caught(adapter.decrypt({ openid: 'o_someone_else', ...payload }))).toMatchObject({
      code: 'unauthorized',
    })
    const tampered = { ...payload, encryptedData: Buffer.from('x'.repeat(32)).toString('base64') }
    expect(await caught(adapter.decrypt({ openid: profile.subject, ...tampered }))).toMatchObject({
      code: 'invalid_input',
    })
  })

  it('has no authorize URL', async () => {
    expect(await caught(mp().authorizeUrl({ state: STATE, redirectUri: CALLBACK }))).toMatchObject({
      code: 'invalid_input',
    })
  })

  it('refuses a reused or expired code with unauthorized', async () => {
    const code = env.sim.miniProgramCode('alice')
    await mp().exchangeCode({ code })
    expect(await caught(mp().exchangeCode({ code }))).toMatchObject({
      code: 'unauthorized',
      providerCode: '40163',
    })
    const late = env.sim.miniProgramCode('alice')
    await env.sim.advance(301_000)
    expect(await caught(mp().exchangeCode({ code: late }))).toMatchObject({
      code: 'unauthorized',
      providerCode: '40029',
    })
  })
})

let shared: Awaited<ReturnType<typeof startOpenSim>> | null = null
testIdentityAdapter({
  name: 'wechatLogin (simulator)',
  setup: async () => {
    shared = await startOpenSim()
    const sim = shared.sim
    const app = sim.officialAccount
    const adapter = wechatLogin({
      appid: app.appid,
      secret: app.secret,
      baseUrl: shared.url,
      authorizeBaseUrl: shared.url,
    })
    return {
      adapter,
      redirectUri: CALLBACK,
      obtainCode: async () => {
        const res = await fetch(await adapter.authorizeUrl({ state: STATE, redirectUri: CALLBACK }), {
          redirect: 'manual',
        })
        return new URL(res.headers.get('location')!).searchParams.get('code')!
      },
    }
  },
  teardown: async () => {
    await shared?.close()
  },
})

testIdentityAdapter({
  name: 'wechatMiniProgramLogin (simulator)',
  setup: async () => {
    shared = await startOpenSim()
    const sim = shared.sim
    const app = sim.miniProgram
    const adapter = wechatMiniProgramLogin({
      appid: app.appid,
      secret: app.secret,
      baseUrl: shared.url,
      storage: memoryStorage(),
    })
    return { adapter, obtainCode: async () => sim.miniProgramCode('alice') }
  },
  teardown: async () => {
    await shared?.close()
  },
})

describe('wechatSimulator() composition', () => {
  it('serves the open platform next to Pay, on the shared clock', async () => {
    const sim = await wechatSimulator({ timeScale: 0 })
    try {
      const app = sim.open.miniProgram
      const adapter = wechatMiniProgramLogin({ appid: app.appid, secret: app.secret, baseUrl: sim.url })
      const profile = await adapter.exchangeCode({ code: sim.open.miniProgramCode('alice') })
      expect(profile.subject).toBe(sim.open.openid('alice', { appid: app.appid }))
      const late = sim.open.miniProgramCode('bob')
      const before = sim.now()
      await sim.open.advance(301_000)
      expect(sim.now() - before).toBe(301_000)
      expect(await caught(adapter.exchangeCode({ code: late }))).toMatchObject({
        code: 'unauthorized',
        providerCode: '40029',
      })
    } finally {
      await sim.close()
    }
  })
})
