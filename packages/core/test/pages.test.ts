import { wantsHtml } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { browser, sandboxLogin } from './_browser.js'
import { duck, testLoop } from './_setup.js'

const NAVIGATE = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'
const req = (accept: string | null) =>
  new Request('http://shop.test/loop/s/x', accept === null ? {} : { headers: { accept } })

describe('wantsHtml', () => {
  it.each([
    ["Chromium's navigation Accept", NAVIGATE, true],
    ['plain text/html', 'text/html', true],
    ['fetch() default', '*/*', false],
    ['no Accept header', null, false],
    ['JSON first', 'application/json, text/html;q=0.5', false],
    ['HTML refused', 'text/html;q=0, */*', false],
    ['text/* over JSON', 'text/*, application/json;q=0.4', true],
  ])('%s', (_, accept, expected) => {
    expect(wantsHtml(req(accept))).toBe(expected)
  })
})

async function sharedLoop(options: Parameters<typeof testLoop>[0] = {}) {
  const t = testLoop(options)
  await t.loop.catalog.put(duck)
  const a = browser(t.loop.fetch)
  await sandboxLogin(a, 'Alice')
  const { token } = (await (
    await a.request('/loop/shares', { method: 'POST', json: { skuId: 'duck' } })
  ).json()) as { token: string }
  return { ...t, token }
}

describe('a mangled share link', () => {
  it.each([
    ['edited', (token: string) => token.slice(0, 11) + (token[11] === 'a' ? 'b' : 'a') + token.slice(12)],
    ['cut short', (token: string) => token.slice(0, 20)],
    ['with an extra path segment', (token: string) => `${token}/x`],
    ['with a broken escape', (token: string) => `${token}%E0%A4%A`],
  ])('%s: a browser gets a friendly HTML page (404), an API client JSON, and no visit is recorded', async (_, mangle) => {
    const { loop, token } = await sharedLoop()
    const path = `/loop/s/${mangle(token)}`
    const page = await loop.fetch(new Request(`http://shop.test${path}`, { headers: { accept: NAVIGATE } }))
    expect(page.status).toBe(404)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const html = await page.text()
    expect(html).toContain('分享链接无效')
    expect(html).toContain('This share link is not valid')
    expect(html).toContain('href="http://shop.test/"')
    expect(html).toContain('name="viewport"')
    const api = await loop.fetch(new Request(`http://shop.test${path}`))
    expect(api.status).toBe(404)
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('not_found')
    expect(await loop.analytics.events({ types: ['share.visited'] })).toEqual([])
  })

  it('a genuine link still redirects a browser to the product', async () => {
    const { loop, token } = await sharedLoop()
    const res = await loop.fetch(
      new Request(`http://shop.test/loop/s/${token}`, { headers: { accept: NAVIGATE } }),
    )
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe(`/?sku=duck&share=${token}`)
  })

  it("is drawn in the host's layout, with the title and message escaped before the layout sees them", async () => {
    const seen: { title: string; body: string; lang: string }[] = []
    const { loop } = await sharedLoop({
      pages: {
        layout: (input) => {
          seen.push(input)
          return `<html data-host-layout>${input.body}</html>`
        },
      },
    })
    const res = await loop.fetch(
      new Request('http://shop.test/loop/s/garbage', { headers: { accept: 'text/html' } }),
    )
    expect(await res.text()).toMatch(/^<html data-host-layout><h1>分享链接无效/)
    expect(seen).toHaveLength(1)
    expect(seen[0]!.title).toBe('分享链接无效 · This share link is not valid')
    expect(seen[0]!.lang).toBe('zh')
  })
})

describe('the sandbox login page', () => {
  it.each([
    ["Anne O'Brien"],
    ['小丽🦆'],
    ['José 👨‍👩‍👧'],
    ['<b>Mallory</b>'],
  ])('logs in %s and keeps the name as typed', async (name) => {
    const { loop } = testLoop()
    const b = browser(loop.fetch)
    const { done } = await sandboxLogin(b, name)
    expect(done.status).toBe(302)
    const me = (await (await b.request('/loop/me')).json()) as { customer: { displayName: string } }
    expect(me.customer.displayName).toBe(name)
  })

  it('is bilingual, has a viewport and escapes what it echoes', async () => {
    const { loop } = testLoop()
    const res = await loop.fetch(
      new Request('http://shop.test/loop/sandbox/login?state=%22%3E%3Cscript%3E&redirect_uri=x', {
        headers: { accept: NAVIGATE },
      }),
    )
    const html = await res.text()
    expect(html).toContain('沙箱登录')
    expect(html).toContain('Sandbox login')
    expect(html).toContain('name="viewport"')
    expect(html).not.toContain('"><script>')
    expect(html).toContain('value="&#34;&#62;&#60;script&#62;"')
  })

  it('re-shows the form to a browser for a name with a line break, and answers an API client with invalid_input', async () => {
    const { loop } = testLoop()
    const start = await loop.fetch(new Request('http://shop.test/loop/login/sandbox?returnTo=/'))
    const page = new URL(start.headers.get('location')!)
    const form = new URLSearchParams({
      name: 'two\nlines',
      state: page.searchParams.get('state')!,
      redirect_uri: page.searchParams.get('redirect_uri')!,
    })
    const post = (accept: string) =>
      loop.fetch(
        new Request(page.href, {
          method: 'POST',
          headers: { accept, 'content-type': 'application/x-www-form-urlencoded' },
          body: form,
        }),
      )
    const html = await post(NAVIGATE)
    expect(html.status).toBe(400)
    const text = await html.text()
    expect(text).toContain('id="sandbox-problem"')
    expect(text).toContain('id="sandbox-name"')
    const api = await post('application/json')
    expect(api.status).toBe(400)
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('invalid_input')
  })
})

describe('the sandbox pay page', () => {
  it('is bilingual and shows the amount; an unknown order is an HTML 404 for a browser', async () => {
    const { loop, customer } = testLoop()
    await loop.catalog.put(duck)
    const c = await customer('ann')
    const { action } = await loop.checkout({ customerId: c.id, lines: [{ skuId: 'duck', quantity: 1 }] })
    const url = (action as { url: string }).url
    const html = await (await loop.fetch(new Request(url, { headers: { accept: NAVIGATE } }))).text()
    expect(html).toContain('沙箱支付')
    expect(html).toContain('Sandbox payment')
    expect(html).toContain('CNY 88.00')
    expect(html).toContain('id="sandbox-pay"')
    const missing = await loop.fetch(
      new Request('http://shop.test/loop/sandbox/pay/nope', { headers: { accept: NAVIGATE } }),
    )
    expect(missing.status).toBe(404)
    expect(await missing.text()).toContain('No such sandbox payment')
  })
})
