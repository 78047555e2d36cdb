import { describe, expect, it } from 'vitest'
import { browser, sandboxLogin } from './_browser.js'
import { testLoop } from './_setup.js'

describe('login', () => {
  it('the state is [A-Za-z0-9] and at most 128 characters, as WeChat requires', async () => {
    const { loop } = testLoop()
    const url = new URL((await loop.login.begin({ provider: 'sandbox', returnTo: '/cart' })).url)
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9]{1,128}$/)
  })

  it('a repeated callback (back button, double redirect) does not fail a logged-in user, and cannot log in anyone else', async () => {
    const { loop } = testLoop()
    const a = browser(loop.fetch)
    const { callback, done } = await sandboxLogin(a, 'Alice', 'returnTo=/cart')
    expect(done.headers.get('location')).toBe('/cart')
    const again = await a.request(callback.pathname + callback.search)
    expect(again.status).toBe(302)
    expect(again.headers.get('location')).toBe('/cart')
    const thief = browser(loop.fetch)
    const stolen = await thief.request(callback.pathname + callback.search)
    expect(stolen.status).toBe(403)
    expect(((await stolen.json()) as { error: { code: string } }).error.code).toBe('login_state_mismatch')
    expect((await thief.request('/loop/me')).status).toBe(401)
  })

  it('a refused login returns to the page with login=denied and creates no customer', async () => {
    const { loop } = testLoop()
    const b = browser(loop.fetch)
    const start = new URL((await b.request('/loop/login/sandbox?returnTo=/p?x=1')).headers.get('location')!)
    const refused = await b.request(start.pathname, {
      method: 'POST',
      form: {
        name: 'x',
        deny: '1',
        state: start.searchParams.get('state')!,
        redirect_uri: start.searchParams.get('redirect_uri')!,
      },
    })
    const cb = new URL(refused.headers.get('location')!)
    const res = await b.request(cb.pathname + cb.search)
    expect(res.headers.get('location')).toBe('/p?x=1&login=denied')
    expect(await loop.analytics.events({ types: ['customer.created'] })).toHaveLength(0)
  })

  it('a login state expires after ten minutes', async () => {
    const { loop, clock } = testLoop()
    const b = browser(loop.fetch)
    const start = new URL((await b.request('/loop/login/sandbox')).headers.get('location')!)
    clock.advance(10 * 60_000 + 1)
    const res = await b.request(
      `/loop/login/sandbox/callback?code=x&state=${start.searchParams.get('state')}`,
    )
    expect(res.status).toBe(410)
  })

  it('mini-program style code login sets the session; a used code is refused', async () => {
    const { loop, identity } = testLoop()
    const b = browser(loop.fetch)
    const code = identity.codeFor('Mia')
    const res = await b.request('/loop/login/sandbox/code', { method: 'POST', json: { code } })
    expect(res.status).toBe(200)
    expect((await b.request('/loop/me')).status).toBe(200)
    const reused = await browser(loop.fetch).request('/loop/login/sandbox/code', {
      method: 'POST',
      json: { code },
    })
    expect(reused.status).toBe(401)
  })

  it('the same person logging in twice is one customer; identities with the same unionId merge', async () => {
    const { loop } = testLoop()
    const first = await loop.customers.login({
      profile: { provider: 'wechat', subject: 'openid-oa', unionId: 'u1' },
    })
    const again = await loop.customers.login({
      profile: { provider: 'wechat', subject: 'openid-oa', unionId: 'u1' },
    })
    const mp = await loop.customers.login({
      profile: { provider: 'wechat-mp', subject: 'openid-mp', unionId: 'u1' },
    })
    expect(first.created).toBe(true)
    expect(again).toMatchObject({ created: false, customer: { id: first.customer.id } })
    expect(mp.customer.id).toBe(first.customer.id)
    expect(mp.customer.identities.map((i) => i.provider).sort()).toEqual(['wechat', 'wechat-mp'])
  })

  it('a follower known by openid only takes the name and avatar of their first login that has them (regression: stayed nameless)', async () => {
    const { loop } = testLoop()
    // As the official-account adapter records a QR-code follower: an identity, no profile.
    const follower = await loop.storage.upsertCustomer({
      id: 'cus_follower',
      profile: { provider: 'wechat', subject: 'openid-carol' },
      now: 1,
    })
    expect(follower.customer.displayName).toBeNull()
    const login = await loop.customers.login({
      profile: {
        provider: 'wechat',
        subject: 'openid-carol',
        displayName: 'Carol',
        avatarUrl: 'https://a.example/c.png',
      },
    })
    expect(login).toMatchObject({
      created: false,
      customer: { id: 'cus_follower', displayName: 'Carol', avatarUrl: 'https://a.example/c.png' },
    })
    // A name they have is kept: a later login with another nickname does not rename them.
    await loop.customers.login({
      profile: { provider: 'wechat', subject: 'openid-carol', displayName: 'C2' },
    })
    expect((await loop.customers.get('cus_follower'))?.displayName).toBe('Carol')
  })
})

describe('configuration', () => {
  it('a bad secret or baseUrl is a configuration error', async () => {
    const { createLoop } = await import('@loopkit/core')
    const { memoryStorage } = await import('@loopkit/core/dev')
    const secret = 'configuration-secret-0123456789abcdefgh'
    const storage = memoryStorage()
    expect(() => createLoop({ secret: 'short', baseUrl: 'http://x.test/loop', storage })).toThrow(
      /at least 32/,
    )
    expect(() => createLoop({ secret, baseUrl: 'not a url', storage })).toThrow(/not a URL/)
  })
})
