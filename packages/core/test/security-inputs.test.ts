import { describe, expect, it } from 'vitest'
import { browser, sandboxLogin } from './_browser.js'
import { duck, testLoop } from './_setup.js'

const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code

async function shop(overrides: Parameters<typeof testLoop>[0] = {}) {
  const t = testLoop(overrides)
  await t.loop.catalog.put(duck)
  const b = browser(t.loop.fetch)
  await sandboxLogin(b, 'Ann')
  return { ...t, b }
}

describe('#9.6 stray host cookies do not break the loop', () => {
  for (const stray of ['theme=50%', 'x=%E0%A4%A', 'a=%; b=%%%', '=novalue; ;; lone']) {
    it(`#9.6 "${stray}" next to the loop's cookies: /me, checkout and login still work`, async () => {
      const { loop, b } = await shop()
      // The host's own cookies come first in the header, as they do for a page on the same site.
      const cookie = `${stray}; ${[...b.jar].map(([k, v]) => `${k}=${v}`).join('; ')}`
      const send = (path: string, init: RequestInit = {}) =>
        loop.fetch(new Request(`http://shop.test${path}`, { ...init, headers: { ...init.headers, cookie } }))
      expect((await send('/loop/me')).status).toBe(200)
      const checkout = await send('/loop/checkout', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ lines: [{ skuId: 'duck', quantity: 1 }] }),
      })
      expect(checkout.status).toBe(201)
      expect((await send('/loop/login/sandbox')).status).toBe(302)
    })
  }
})

describe('#9.7 POST /events needs the signed share token or a session', () => {
  async function shared() {
    const t = await shop()
    const share = await t.loop.shares.create({ customerId: (await t.customer('Sharer')).id, skuId: 'duck' })
    return { ...t, share }
  }
  const post = (loop: { fetch: (r: Request) => Promise<Response> }, body: unknown, cookie?: string) =>
    loop.fetch(
      new Request('http://shop.test/loop/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
        body: JSON.stringify(body),
      }),
    )

  it('#9.7 an anonymous report naming the bare share id is 401 and writes nothing', async () => {
    const { loop, share } = await shared()
    const res = await post(loop, { type: 'share.action', shareId: share.share.id, channel: 'qr' })
    expect(res.status).toBe(401)
    expect(await codeOf(res)).toBe('unauthorized')
    expect(await loop.analytics.events({ types: ['share.action'] })).toHaveLength(0)
  })

  it('#9.7 the signed token is accepted; an edited token is not_found', async () => {
    const { loop, share } = await shared()
    expect((await post(loop, { type: 'share.action', token: share.token, channel: 'qr' })).status).toBe(204)
    const edited = `${share.token.slice(0, -1)}${share.token.endsWith('A') ? 'B' : 'A'}`
    const bad = await post(loop, { type: 'share.action', token: edited, channel: 'qr' })
    expect(bad.status).toBe(404)
    const events = await loop.analytics.events({ types: ['share.action'] })
    expect(events.map((e) => e.data)).toEqual([
      { shareId: share.share.id, channel: 'qr', sharerId: share.share.customerId },
    ])
  })

  it('#9.7 a logged-in customer may name the share by id', async () => {
    const { loop, b, share } = await shared()
    const res = await b.request('/loop/events', {
      method: 'POST',
      json: { type: 'share.action', shareId: share.share.id, channel: 'copy' },
    })
    expect(res.status).toBe(204)
    expect(await loop.analytics.events({ types: ['share.action'] })).toHaveLength(1)
  })

  it('#9.7 reports are capped per visitor (429 rate_limited)', async () => {
    const { loop, share } = await shared()
    const cookie = 'lk_visitor=abcdefghijklmnopqrstuv'
    const statuses: number[] = []
    for (let i = 0; i < 32; i++)
      statuses.push(
        (await post(loop, { type: 'share.action', token: share.token, channel: 'qr' }, cookie)).status,
      )
    expect(statuses.filter((s) => s === 204)).toHaveLength(30)
    expect(statuses.slice(30)).toEqual([429, 429])
    expect(await loop.analytics.events({ types: ['share.action'] })).toHaveLength(30)
  })
})

describe('#9.8 checkout returnUrl is restricted to the loop origin and an allow-list', () => {
  for (const returnUrl of [
    'https://evil.example/paid',
    '//evil.example/paid',
    '/\\evil.example/paid',
    'javascript:alert(1)',
    'http://shop.test.evil.example/',
    'https://shop.test/paid', // another scheme is another origin
    'http://user:pw@shop.test/paid',
  ]) {
    it(`#9.8 returnUrl ${returnUrl} is invalid_input and nothing is written`, async () => {
      const { loop, b } = await shop()
      const res = await b.request('/loop/checkout', {
        method: 'POST',
        json: { lines: [{ skuId: 'duck', quantity: 1 }], returnUrl },
      })
      expect(res.status).toBe(400)
      expect(await codeOf(res)).toBe('invalid_input')
      expect(await loop.orders.list()).toHaveLength(0)
      expect((await loop.catalog.get('duck'))!.stock).toBe(100)
      expect(await loop.analytics.events({ types: ['order.created'] })).toHaveLength(0)
    })
  }

  it('#9.8 loop.checkout() refuses it too', async () => {
    const { loop, customer } = await shop()
    const c = await customer('Bo')
    await expect(
      loop.checkout({
        customerId: c.id,
        lines: [{ skuId: 'duck', quantity: 1 }],
        returnUrl: 'https://evil.example/',
      }),
    ).rejects.toMatchObject({ code: 'invalid_input' })
    expect(await loop.orders.list()).toHaveLength(0)
  })

  it('#9.8 a path or an allow-listed origin is accepted, and the sandbox pay page only sends the buyer there', async () => {
    const { loop, b } = await shop({ allowedRedirectOrigins: ['https://m.shop.example'] })
    const local = await b.request('/loop/checkout', {
      method: 'POST',
      json: { lines: [{ skuId: 'duck', quantity: 1 }], returnUrl: '/orders/done' },
    })
    expect(local.status).toBe(201)
    const { order, action } = (await local.json()) as { order: { number: string }; action: { url: string } }
    const paid = await b.request(new URL(action.url).pathname, { method: 'POST' })
    expect(paid.status).toBe(303)
    expect(paid.headers.get('location')).toBe('http://shop.test/orders/done')
    expect(order.number).toBeTruthy()
    const listed = await b.request('/loop/checkout', {
      method: 'POST',
      json: { lines: [{ skuId: 'duck', quantity: 1 }], returnUrl: 'https://m.shop.example/done?x=1' },
    })
    expect(listed.status).toBe(201)
    expect(await loop.orders.list()).toHaveLength(2)
  })

  it('#9.8 allowedRedirectOrigins takes origins only', () => {
    expect(() => testLoop({ allowedRedirectOrigins: ['https://m.shop.example/path'] })).toThrow(/origins/)
    expect(() => testLoop({ allowedRedirectOrigins: ['m.shop.example'] })).toThrow(/origins/)
  })
})
