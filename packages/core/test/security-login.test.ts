import { describe, expect, it } from 'vitest'
import { browser, sandboxLogin } from './_browser.js'
import { testLoop } from './_setup.js'

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

/** Starts a sandbox login in `b` and lets the person type `name`: the callback URL the provider sends back. */
async function callbackFor(b: ReturnType<typeof browser>, name: string, query = 'returnTo=/') {
  const start = await b.request(`/loop/login/sandbox?${query}`)
  const page = new URL(start.headers.get('location')!)
  const posted = await b.request(page.pathname, {
    method: 'POST',
    form: {
      name,
      state: page.searchParams.get('state')!,
      redirect_uri: page.searchParams.get('redirect_uri')!,
    },
  })
  const cb = new URL(posted.headers.get('location')!)
  return { start, path: cb.pathname + cb.search }
}

describe('#9.1 login CSRF: the state is bound to the browser that started the login', () => {
  it('#9.1 login start sets a short-lived, HttpOnly, SameSite=Lax cookie scoped to the login routes', async () => {
    const { loop } = testLoop()
    const res = await browser(loop.fetch).request('/loop/login/sandbox?returnTo=/cart')
    const line = res.headers.getSetCookie().find((c) => c.startsWith('lk_login='))!
    expect(line).toMatch(/^lk_login=[0-9A-Za-z]{32}; /)
    expect(line).toContain('Path=/loop/login')
    expect(line).toContain('Max-Age=600')
    expect(line).toContain('HttpOnly')
    expect(line).toContain('SameSite=Lax')
    expect(line).not.toContain('Secure')
    const https = testLoop({ baseUrl: 'https://shop.test/loop' })
    const secure = await https.loop.fetch(new Request('https://shop.test/loop/login/sandbox'))
    expect(secure.headers.getSetCookie().find((c) => c.startsWith('lk_login='))).toContain('; Secure')
  })

  it('#9.1 login callback from another browser is refused (JSON code login_state_mismatch) and changes nothing', async () => {
    const { loop } = testLoop()
    const attacker = browser(loop.fetch)
    const { path } = await callbackFor(attacker, 'Mallory')
    // The attacker sends the victim their own callback URL (code + state): login CSRF.
    const victim = browser(loop.fetch)
    await victim.request('/loop/login/sandbox') // the victim has a binding cookie of their own
    const res = await victim.request(path)
    expect(res.status).toBe(403)
    expect(res.headers.get('content-type')).toContain('application/json')
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('login_state_mismatch')
    expect(res.headers.getSetCookie().some((c) => c.startsWith('lk_session='))).toBe(false)
    expect((await victim.request('/loop/me')).status).toBe(401)
    expect(await loop.analytics.events({ types: ['customer.created', 'customer.logged_in'] })).toHaveLength(0)
    // Nothing was spent: the browser that started the login still completes it.
    const own = await attacker.request(path)
    expect(own.status).toBe(302)
    expect((await attacker.request('/loop/me')).status).toBe(200)
  })

  it('#9.1 a callback with no binding cookie at all is refused too', async () => {
    const { loop } = testLoop()
    const { path } = await callbackFor(browser(loop.fetch), 'Mallory')
    const res = await loop.fetch(new Request(`http://shop.test${path}`))
    expect(res.status).toBe(403)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('login_state_mismatch')
  })

  it('#9.1 a browser gets a clear HTML page (escaped, no details) instead of JSON', async () => {
    const { loop } = testLoop()
    const { path } = await callbackFor(browser(loop.fetch), 'Mallory')
    const res = await browser(loop.fetch).request(path, { headers: { accept: HTML } })
    expect(res.status).toBe(403)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const html = await res.text()
    expect(html).toContain('<h1>Login not completed</h1>')
    expect(html).toContain('another browser')
    expect(html).toContain('href="/"')
    expect(html).not.toContain('[loopkit]')
  })

  it('#9.1 expired and replayed callbacks also answer browsers with a page, API clients with JSON', async () => {
    const { loop, clock } = testLoop()
    const b = browser(loop.fetch)
    const { path } = await callbackFor(b, 'Ann')
    clock.advance(10 * 60_000 + 1)
    const page = await b.request(path, { headers: { accept: HTML } })
    expect(page.status).toBe(410)
    expect(await page.text()).toContain('Login expired')
    const api = await b.request(path, { headers: { accept: 'application/json' } })
    expect(api.status).toBe(410)
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('expired')
  })

  it('#9.1 two logins started in two tabs of one browser both complete (the binding is reused)', async () => {
    const { loop } = testLoop()
    const b = browser(loop.fetch)
    const first = await callbackFor(b, 'Tab One', 'returnTo=/one')
    const second = await callbackFor(b, 'Tab Two', 'returnTo=/two')
    expect((await b.request(first.path)).headers.get('location')).toBe('/one')
    expect((await b.request(second.path)).headers.get('location')).toBe('/two')
  })

  it('#9.1 loop.login.begin() returns the binding cookie with the URL, and the pair completes', async () => {
    const { loop } = testLoop()
    const { url, setCookie } = await loop.login.begin({ provider: 'sandbox', returnTo: '/cart' })
    expect(setCookie).toMatch(/^lk_login=[0-9A-Za-z]{32}; Path=\/loop\/login; /)
    const b = browser(loop.fetch)
    b.jar.set('lk_login', setCookie.split(';')[0]!.slice('lk_login='.length))
    const page = new URL(url)
    const posted = await b.request(page.pathname, {
      method: 'POST',
      form: {
        name: 'Host',
        state: page.searchParams.get('state')!,
        redirect_uri: page.searchParams.get('redirect_uri')!,
      },
    })
    const cb = new URL(posted.headers.get('location')!)
    expect((await b.request(cb.pathname + cb.search)).headers.get('location')).toBe('/cart')
    const other = browser(loop.fetch)
    expect((await other.request(cb.pathname + cb.search)).status).toBe(403)
  })

  it('#9.1 mini-program code login (no redirect) needs no binding cookie', async () => {
    const { loop, identity } = testLoop()
    const res = await loop.fetch(
      new Request('http://shop.test/loop/login/sandbox/code', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: identity.codeFor('Mia') }),
      }),
    )
    expect(res.status).toBe(200)
  })

  it('#9.1 the stored state holds a MAC of the binding, never the cookie value', async () => {
    const { loop, clock } = testLoop()
    const b = browser(loop.fetch)
    const start = await b.request('/loop/login/sandbox')
    const value = b.jar.get('lk_login')!
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!
    const raw = await loop.storage.cacheGet({ key: `login-state:${state.slice(0, 24)}`, now: clock.now() })
    expect(raw).toBeTruthy()
    expect(raw).not.toContain(value)
    expect((JSON.parse(raw!) as { binding: string }).binding).toMatch(/^[A-Za-z0-9_-]{32}$/)
  })
})

describe('#9.1 the sandbox login page flow still works end to end', () => {
  it('#9.1 a person logging in through the pages lands on returnTo with a session', async () => {
    const { loop } = testLoop()
    const b = browser(loop.fetch)
    const { done } = await sandboxLogin(b, 'Alice', 'returnTo=/cart')
    expect(done.headers.get('location')).toBe('/cart')
    expect((await b.request('/loop/me')).status).toBe(200)
  })
})
