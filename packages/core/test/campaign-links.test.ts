import { isLoopError } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { browser, sandboxLogin } from './_browser.js'
import { duck, testLoop } from './_setup.js'

const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }

/** A loop with followers, a campaign and the duck on sale. */
async function campaignLoop(overrides: Parameters<typeof testLoop>[0] = {}) {
  const t = testLoop(overrides)
  await t.loop.catalog.put(duck)
  const campaign = await t.loop.campaigns.create({
    id: 'mid-autumn',
    audience: 'followers',
    message: { title: 'Mid-autumn', body: 'Mooncake duck, 20% off', url: 'http://shop.test/duck?x=1' },
    channelPlan: { channels: ['console'] },
  })
  const visits = async () => t.loop.analytics.events({ types: ['campaign.visited'] })
  const clicks = async () => (await t.loop.campaigns.report({ id: campaign.id })).clicks
  return { ...t, campaign, visits, clicks }
}

const path = (url: string) => new URL(url).pathname

describe('campaign links: loop.campaigns.link and GET /c/:token', () => {
  it('links to the campaign: url is <baseUrl>/c/<token>; opening it records a visit and leads to `to`', async () => {
    const t = await campaignLoop()
    const { token, url } = await t.loop.campaigns.link({ id: 'mid-autumn', to: '/duck?from=poster' })
    expect(url).toBe(`http://shop.test/loop/c/${token}`)
    const b = browser(t.loop.fetch)
    const res = await b.request(path(url), { headers: HTML })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/duck?from=poster')
    expect(b.jar.has('lk_visitor')).toBe(true)
    const [visited] = await t.visits()
    expect(visited).toMatchObject({
      type: 'campaign.visited',
      customerId: null,
      data: { campaignId: 'mid-autumn' },
    })
    // The event log holds a MAC of the browser's key, never the key itself.
    expect(JSON.stringify(visited)).not.toContain(b.jar.get('lk_visitor'))
    expect(await t.clicks()).toBe(1)
  })

  it("without `to` leads to the message's url, else /", async () => {
    const t = await campaignLoop()
    const res = await t.loop.fetch(
      new Request(`http://shop.test${path((await t.loop.campaigns.link({ id: 'mid-autumn' })).url)}`),
    )
    expect(res.headers.get('location')).toBe('/duck?x=1')
    const bare = await t.loop.campaigns.create({
      id: 'bare',
      audience: 'followers',
      message: { title: 'Hello', body: 'No link' },
      channelPlan: { channels: ['console'] },
    })
    const res2 = await t.loop.fetch(
      new Request(`http://shop.test${path((await t.loop.campaigns.link({ id: bare.id })).url)}`),
    )
    expect(res2.headers.get('location')).toBe('/')
  })

  it('refuses a `to` off the site (open redirect) and an unknown campaign, writing nothing', async () => {
    const t = await campaignLoop({ allowedRedirectOrigins: ['https://m.shop.test'] })
    for (const to of [
      'https://evil.example/',
      '//evil.example/x',
      'javascript:alert(1)',
      'https://u:p@shop.test/',
    ]) {
      const error = await t.loop.campaigns.link({ id: 'mid-autumn', to }).catch((e: unknown) => e)
      expect(isLoopError(error) && error.code, to).toBe('invalid_input')
    }
    // An allowed origin is fine, and a dot-segment trick stays on the site.
    const m = await t.loop.campaigns.link({ id: 'mid-autumn', to: 'https://m.shop.test/duck' })
    expect((await t.loop.fetch(new Request(m.url))).headers.get('location')).toBe('https://m.shop.test/duck')
    const dots = await t.loop.campaigns.link({ id: 'mid-autumn', to: '/.//evil.example/x' })
    const location = (await t.loop.fetch(new Request(dots.url))).headers.get('location')!
    expect(new URL(location, 'http://shop.test').origin).toBe('http://shop.test')
    for (const input of [
      { id: 42 },
      { id: 'a:b' },
      { id: 'mid-autumn', to: `/${'x'.repeat(1100)}` },
      { id: 'mid-autumn', extra: 1 },
    ]) {
      const error = await t.loop.campaigns.link(input as never).catch((e: unknown) => e)
      expect(isLoopError(error) && error.code, JSON.stringify(input).slice(0, 40)).toBe('invalid_input')
    }
    const missing = await t.loop.campaigns.link({ id: 'nope' }).catch((e: unknown) => e)
    expect(isLoopError(missing) && missing.code).toBe('not_found')
    // A message url off the site is refused when the campaign is created.
    const created = await t.loop.campaigns
      .create({
        audience: 'followers',
        message: { title: 'x', body: 'y', url: 'https://evil.example/' },
        channelPlan: { channels: ['console'] },
      })
      .catch((e: unknown) => e)
    expect(isLoopError(created) && created.code).toBe('invalid_input')
    expect((await t.visits()).map((e) => e.data.campaignId)).toEqual(['mid-autumn', 'mid-autumn'])
  })

  it('a forged, edited or truncated token: 404 JSON for clients, the broken-link page for browsers; no visit', async () => {
    const t = await campaignLoop()
    const { token } = await t.loop.campaigns.link({ id: 'mid-autumn', to: '/duck' })
    const [id, to, mac] = token.split('.') as [string, string, string]
    const evil = btoa('https://evil.example/').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
    const other = await t.loop.campaigns.create({
      id: 'other',
      audience: 'followers',
      message: { title: 'x', body: 'y' },
      channelPlan: { channels: ['console'] },
    })
    const bad = [
      `${id}.${evil}.${mac}`, // another destination under the genuine MAC
      `${other.id}.${to}.${mac}`, // another campaign under the genuine MAC
      `${id}.${mac}`, // `to` dropped
      `${id}.${to}.${mac.slice(0, -1)}`, // truncated
      `${id}.${to}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, // one character changed
      `${id}.${to}.${'A'.repeat(22)}`, // forged
      'mid-autumn',
      `${'x'.repeat(5000)}.${mac}`,
    ]
    for (const forged of bad) {
      const json = await t.loop.fetch(new Request(`http://shop.test/loop/c/${forged}`))
      expect(json.status, forged).toBe(404)
      expect(((await json.json()) as { error: { code: string } }).error.code).toBe('not_found')
      const page = await t.loop.fetch(new Request(`http://shop.test/loop/c/${forged}`, { headers: HTML }))
      expect(page.status).toBe(404)
      expect(page.headers.get('content-type')).toContain('text/html')
      expect(await page.text()).toContain('This link is not valid')
    }
    // A link cut into an unroutable path is still a visitor at the door.
    const cut = await t.loop.fetch(new Request(`http://shop.test/loop/c/${token}/extra`, { headers: HTML }))
    expect(cut.status).toBe(404)
    expect(await cut.text()).toContain('This link is not valid')
    expect(await t.visits()).toEqual([])
    expect(await t.clicks()).toBe(0)
  })

  it('only a navigation counts: an image, a fetch or a frame on another site records nothing; a replay is another visit of the same person', async () => {
    const t = await campaignLoop()
    const { url } = await t.loop.campaigns.link({ id: 'mid-autumn' })
    const b = browser(t.loop.fetch)
    const sub = [
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' },
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' },
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'iframe' },
    ]
    for (const headers of sub) {
      const res = await b.request(path(url), { headers })
      expect(res.status).toBe(302)
    }
    expect(await t.visits()).toEqual([])
    // A person following the link from a chat or another site is a visit.
    const click = {
      ...HTML,
      'sec-fetch-site': 'cross-site',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-dest': 'document',
    }
    await b.request(path(url), { headers: click })
    await b.request(path(url), { headers: click })
    expect(await t.visits()).toHaveLength(2)
    expect(await t.clicks()).toBe(1)
    // Another method is not a visit either.
    expect((await b.request(path(url), { method: 'POST' })).status).toBe(405)
    expect(await t.visits()).toHaveLength(2)
  })

  it('over its rate limit the link still leads on but records nothing', async () => {
    const t = await campaignLoop({ rateLimits: { links: { capacity: 2, refillPerSecond: 0.001 } } })
    const { url } = await t.loop.campaigns.link({ id: 'mid-autumn' })
    const b = browser(t.loop.fetch)
    // The first open has no cookie yet (it draws from the shared anonymous bucket) and mints one;
    // from then on the browser has a bucket of 2.
    await b.request(path(url))
    for (let i = 0; i < 5; i++) {
      const res = await b.request(path(url))
      expect(res.status).toBe(302)
      expect(res.headers.get('location')).toBe('/duck?x=1')
    }
    expect(await t.visits()).toHaveLength(3)
  })

  it('a campaign with a url sends its signed link on every channel; the fold counts whom it reached', async () => {
    const t = await campaignLoop()
    const alice = await t.customer('alice')
    await t.loop.storage.recordActivity({ customerId: alice.id, followed: true, now: t.clock.now() })
    await t.loop.campaigns.send({ id: 'mid-autumn' })
    await t.loop.notify.dispatch()
    const [sent] = t.messages.sent
    expect(sent?.message.url).toMatch(
      /^http:\/\/shop\.test\/loop\/c\/mid-autumn\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/,
    )
    const res = await t.loop.fetch(new Request(sent!.message.url!))
    expect(res.headers.get('location')).toBe('/duck?x=1')
    const [event] = await t.loop.analytics.events({ types: ['notification.sent'] })
    expect(event?.data).toMatchObject({ campaignId: 'mid-autumn' })
    const [row] = await t.loop.analytics.breakdown({ dimension: 'campaign' })
    expect(row).toMatchObject({ key: 'mid-autumn', reached: 1, bought: 0 })
  })
})

describe('campaign attribution', () => {
  it('a browser that opened the link, then logged in and bought, is attributed; order.paid carries campaignId', async () => {
    const t = await campaignLoop()
    const { url } = await t.loop.campaigns.link({ id: 'mid-autumn' })
    const b = browser(t.loop.fetch)
    await b.request(path(url), { headers: HTML })
    t.clock.advance(60_000)
    await sandboxLogin(b, 'Bob')
    const res = await b.request('/loop/checkout', {
      method: 'POST',
      json: { lines: [{ skuId: 'duck', quantity: 1 }] },
    })
    const { order, action } = (await res.json()) as { order: { id: string }; action: { url: string } }
    await b.request(new URL(action.url).pathname, { method: 'POST' })
    const stored = await t.loop.orders.get(order.id)
    expect(stored?.status).toBe('paid')
    expect(stored?.attribution).toEqual({ campaignId: 'mid-autumn', visitedAt: t.clock.now() - 60_000 })
    const [paid] = await t.loop.analytics.events({ types: ['order.paid'] })
    expect(paid?.data).toMatchObject({ campaignId: 'mid-autumn' })
    expect(await t.loop.campaigns.report({ id: 'mid-autumn' })).toMatchObject({
      clicks: 1,
      orders: 1,
      buyers: 1,
      revenue: { CNY: 8800 },
    })
    const [row] = await t.loop.analytics.breakdown({ dimension: 'campaign' })
    expect(row).toMatchObject({ key: 'mid-autumn', bought: 1 })
  })

  it('the most recent visit wins between a share and a campaign; outside the window neither counts', async () => {
    const t = await campaignLoop({ attribution: { windowMs: 3_600_000 } })
    const sharer = await t.customer('sharer')
    const share = await t.loop.shares.create({ customerId: sharer.id, skuId: 'duck' })
    const buyer = await t.customer('buyer')
    const { token } = await t.loop.campaigns.link({ id: 'mid-autumn' })
    const checkout = async () =>
      (await t.loop.checkout({ customerId: buyer.id, lines: [{ skuId: 'duck', quantity: 1 }] })).order
        .attribution
    await t.loop.shares.visit({ token: share.token, visitorKey: 'k1', customerId: buyer.id })
    t.clock.advance(1000)
    // The buyer, logged in (the sandbox subject is the lower-cased name), opens the campaign link.
    const c = browser(t.loop.fetch)
    await sandboxLogin(c, 'buyer')
    await c.request(`/loop/c/${token}`, { headers: HTML })
    expect(await checkout()).toEqual({ campaignId: 'mid-autumn', visitedAt: t.clock.now() })
    t.clock.advance(1000)
    await t.loop.shares.visit({ token: share.token, visitorKey: 'k1', customerId: buyer.id })
    expect(await checkout()).toMatchObject({ shareId: share.share.id, sharerId: sharer.id })
    t.clock.advance(2 * 3_600_000)
    expect(await checkout()).toBeNull()
  })
})
