import { describe, expect, it } from 'vitest'
import { browser } from './_browser.js'
import { testLoop } from './_setup.js'

// The sandbox login page trusts its own callback's origin (baseUrl) as well as the request's, so a
// proxy that changes Host does not break logins (issue #14) — but it still never sends a code to
// another site.
describe('sandbox login: where a code may be sent', () => {
  it('refuses a redirect_uri on another site', async () => {
    const { loop } = testLoop()
    const b = browser(loop.fetch)
    const start = await b.request('/loop/login/sandbox?returnTo=/')
    const page = new URL(start.headers.get('location')!)
    for (const redirect of ['https://evil.example/loop/login/sandbox/callback', '//evil.example/x']) {
      const res = await b.request(page.pathname, {
        method: 'POST',
        form: { name: 'Alice', state: page.searchParams.get('state')!, redirect_uri: redirect },
      })
      expect(res.status).toBe(400)
      expect(res.headers.get('location')).toBeNull()
    }
  })

  it('sends the code to the loop’s own callback when the request arrives under another origin', async () => {
    const { loop } = testLoop()
    const start = await loop.fetch(new Request('http://shop.test/loop/login/sandbox?returnTo=/'))
    const page = new URL(start.headers.get('location')!)
    const res = await loop.fetch(
      new Request(`http://10.0.0.7:8080${page.pathname}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          name: 'Alice',
          state: page.searchParams.get('state')!,
          redirect_uri: page.searchParams.get('redirect_uri')!,
        }),
      }),
    )
    expect(res.status).toBe(302)
    const callback = new URL(res.headers.get('location')!)
    expect(callback.origin).toBe('http://shop.test')
    expect(callback.searchParams.get('code')).toBeTruthy()
  })
})
