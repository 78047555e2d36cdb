import { describe, expect, it } from 'vitest'
import { browser } from './_browser.js'
import { testLoop } from './_setup.js'

const ORIGIN = 'http://shop.test'
const HTML = 'text/html,*/*;q=0.8'

/** Paths a naive "starts with / but not //" check lets through, which browsers normalise to `//evil…`. */
const payloads = [
  '/.//evil.example/x',
  '/..//evil.example/x',
  '/a/..//evil.example/x',
  '/x/../\\evil.example/x',
  '/%2e%2e//evil.example/x',
]

/** Where a browser that got `location` in answer to `requestUrl` goes. */
function landing(location: string, requestUrl: string): URL {
  return new URL(location, requestUrl)
}

function expectOnOrigin(location: string | null, requestUrl: string) {
  expect(location).toBeTruthy()
  expect(landing(location!, requestUrl).origin).toBe(ORIGIN)
  expect(location).not.toMatch(/^[/\\]{2}/)
}

async function startLogin(b: ReturnType<typeof browser>, returnTo: string) {
  const start = await b.request(`/loop/login/sandbox?returnTo=${encodeURIComponent(returnTo)}`)
  expect(start.status).toBe(302)
  return new URL(start.headers.get('location')!)
}

async function providerAnswer(b: ReturnType<typeof browser>, page: URL, form: Record<string, string>) {
  const posted = await b.request(page.pathname, {
    method: 'POST',
    form: {
      state: page.searchParams.get('state')!,
      redirect_uri: page.searchParams.get('redirect_uri')!,
      ...form,
    },
  })
  const cb = new URL(posted.headers.get('location')!)
  return cb.pathname + cb.search
}

describe('#9.2 open redirect: every login outcome stays on the configured origin', () => {
  for (const payload of payloads) {
    it(`#9.2 success, repeat and denied outcomes for returnTo=${payload}`, async () => {
      const { loop } = testLoop()
      const b = browser(loop.fetch)
      const cb = await providerAnswer(b, await startLogin(b, payload), { name: 'Ann' })
      const ok = await b.request(cb)
      expect(ok.status).toBe(302)
      expectOnOrigin(ok.headers.get('location'), ORIGIN + cb)
      expect((await b.request('/loop/me')).status).toBe(200)
      const again = await b.request(cb)
      expect(again.status).toBe(302)
      expectOnOrigin(again.headers.get('location'), ORIGIN + cb)

      const d = browser(loop.fetch)
      const deniedCb = await providerAnswer(d, await startLogin(d, payload), { name: 'x', deny: '1' })
      const denied = await d.request(deniedCb)
      expect(denied.status).toBe(302)
      const location = denied.headers.get('location')
      expectOnOrigin(location, ORIGIN + deniedCb)
      expect(landing(location!, ORIGIN).searchParams.get('login')).toBe('denied')
    })

    it(`#9.2 error outcome for returnTo=${payload}: a page whose links stay on the site, no Location`, async () => {
      const { loop } = testLoop()
      const b = browser(loop.fetch)
      const page = await startLogin(b, payload)
      const forgedCode = `/loop/login/sandbox/callback?state=${page.searchParams.get('state')}&code=forged`
      const res = await b.request(forgedCode, { headers: { accept: HTML } })
      expect(res.status).toBe(401)
      expect(res.headers.get('location')).toBeNull()
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
      const hrefs = [...(await res.text()).matchAll(/href="([^"]*)"/g)].map((m) => m[1]!)
      expect(hrefs.length).toBeGreaterThan(0)
      for (const href of hrefs) expectOnOrigin(href, ORIGIN + forgedCode)
    })
  }

  it('#9.2 returnTo values that leave the origin are refused at login start', async () => {
    const { loop } = testLoop()
    for (const bad of ['//evil.example/x', '/\\evil.example/x', 'https://evil.example/x', 'evil', '/a b']) {
      const res = await browser(loop.fetch).request(`/loop/login/sandbox?returnTo=${encodeURIComponent(bad)}`)
      expect(res.status, bad).toBe(400)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_input')
    }
    await expect(loop.login.begin({ provider: 'sandbox', returnTo: '//evil.example' })).rejects.toMatchObject(
      {
        code: 'invalid_input',
      },
    )
  })

  it('#9.2 an ordinary returnTo keeps its path, query and fragment, percent-encoded', async () => {
    const { loop } = testLoop()
    const b = browser(loop.fetch)
    const cb = await providerAnswer(b, await startLogin(b, '/p/鸭?x=1#top'), { name: 'Ann' })
    expect((await b.request(cb)).headers.get('location')).toBe('/p/%E9%B8%AD?x=1#top')
  })
})
