import { memoryRateLimitStore } from '@loopkit/core'
import { memoryStorage } from '@loopkit/core/dev'
import { describe, expect, it } from 'vitest'
import { browser, sandboxLogin } from './_browser.js'
import { duck, testLoop } from './_setup.js'

const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code
const buy = (b: ReturnType<typeof browser>) =>
  b.request('/loop/checkout', { method: 'POST', json: { lines: [{ skuId: 'duck', quantity: 1 }] } })

async function shop(overrides: Parameters<typeof testLoop>[0] = {}) {
  const t = testLoop(overrides)
  await t.loop.catalog.put(duck)
  const b = browser(t.loop.fetch)
  await sandboxLogin(b, 'Ann')
  return { ...t, b }
}

describe('#9 rate limits are built in', () => {
  it('#9 rate limits: checkout is limited per customer: 429 rate_limited with retry-after, nothing written, refills', async () => {
    const { loop, b, clock } = await shop()
    for (let i = 0; i < 10; i++) expect((await buy(b)).status).toBe(201)
    const refused = await buy(b)
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('6')
    expect(await codeOf(refused)).toBe('rate_limited')
    expect(await loop.orders.list()).toHaveLength(10)
    // Another customer has their own bucket.
    const other = browser(loop.fetch)
    await sandboxLogin(other, 'Bo')
    expect((await buy(other)).status).toBe(201)
    clock.advance(6_000)
    expect((await buy(b)).status).toBe(201)
    expect((await buy(b)).status).toBe(429)
  })

  it('#9 rate limits: login start is limited per visitor', async () => {
    const { loop } = testLoop({ rateLimits: { login: { capacity: 3, refillPerSecond: 0.01 } } })
    const b = browser(loop.fetch)
    b.jar.set('lk_visitor', 'abcdefghijklmnopqrstuv')
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) statuses.push((await b.request('/loop/login/sandbox')).status)
    expect(statuses).toEqual([302, 302, 302, 429, 429])
    const refused = await b.request('/loop/login/sandbox')
    expect(refused.headers.get('location')).toBeNull()
    expect(await codeOf(refused)).toBe('rate_limited')
    expect((await browser(loop.fetch).request('/loop/login/sandbox')).status).toBe(302)
  })

  it('#9 rate limits: requests with no customer, address or visitor share one larger bucket', async () => {
    const { loop } = testLoop({ rateLimits: { login: { capacity: 1, refillPerSecond: 0.01 } } })
    const bare = () => loop.fetch(new Request('http://shop.test/loop/login/sandbox'))
    const statuses: number[] = []
    for (let i = 0; i < 31; i++) statuses.push((await bare()).status)
    expect(statuses.filter((s) => s === 302)).toHaveLength(30)
    expect(statuses.at(-1)).toBe(429)
  })

  it('#9 rate limits: share creation is limited per customer', async () => {
    const { b } = await shop({ rateLimits: { shares: { capacity: 2, refillPerSecond: 0.01 } } })
    const share = () => b.request('/loop/shares', { method: 'POST', json: { skuId: 'duck' } })
    expect([(await share()).status, (await share()).status, (await share()).status]).toEqual([201, 201, 429])
  })

  it('#9 rate limits: X-Forwarded-For is ignored unless the host trusts a proxy', async () => {
    const rule = { capacity: 1, refillPerSecond: 0.001 }
    const { loop } = testLoop({ rateLimits: { login: rule } })
    const start = (xff: string) =>
      loop.fetch(new Request('http://shop.test/loop/login/sandbox', { headers: { 'x-forwarded-for': xff } }))
    // A cookieless client rotating a forged header does not get fresh buckets: all share one.
    const forged: number[] = []
    for (let i = 0; i < 31; i++) forged.push((await start(`198.51.100.${i}`)).status)
    expect(forged.filter((s) => s === 302)).toHaveLength(30)
    expect(forged.at(-1)).toBe(429)

    const proxied = testLoop({
      rateLimits: { login: { capacity: 2, refillPerSecond: 0.001 } },
      trustProxy: true,
    })
    const via = (xff: string) =>
      proxied.loop.fetch(
        new Request('http://shop.test/loop/login/sandbox', { headers: { 'x-forwarded-for': xff } }),
      )
    // Behind one proxy, the client address is the last entry; what the client put before it is ignored.
    const same = [
      await via('1.1.1.1, 203.0.113.9'),
      await via('2.2.2.2, 203.0.113.9'),
      await via('203.0.113.9'),
    ]
    expect(same.map((r) => r.status)).toEqual([302, 302, 429])
    expect((await via('203.0.113.10')).status).toBe(302)
  })

  it('#9 rate limits: a visitor cookie counts before the address (buyers behind one carrier NAT)', async () => {
    const { loop } = testLoop({
      rateLimits: { login: { capacity: 1, refillPerSecond: 0.001 } },
      trustProxy: true,
    })
    const start = (visitor: string) =>
      loop.fetch(
        new Request('http://shop.test/loop/login/sandbox', {
          headers: { 'x-forwarded-for': '203.0.113.9', cookie: `lk_visitor=${visitor}` },
        }),
      )
    expect((await start('aaaaaaaaaaaaaaaaaaaaaa')).status).toBe(302)
    expect((await start('bbbbbbbbbbbbbbbbbbbbbb')).status).toBe(302)
    expect((await start('aaaaaaaaaaaaaaaaaaaaaa')).status).toBe(429)
  })

  it('#9 rate limits: a clientIp function keys anonymous requests by address', async () => {
    const { loop } = testLoop({
      rateLimits: { login: { capacity: 1, refillPerSecond: 0.01 } },
      clientIp: (r) => r.headers.get('x-test-ip'),
    })
    const from = (ip: string) =>
      loop.fetch(new Request('http://shop.test/loop/login/sandbox', { headers: { 'x-test-ip': ip } }))
    expect((await from('192.0.2.1')).status).toBe(302)
    expect((await from('192.0.2.1')).status).toBe(429)
    expect((await from('192.0.2.2')).status).toBe(302)
  })

  it('#9 rate limits: can be turned off, per route or entirely', async () => {
    const off = await shop({ rateLimits: false })
    for (let i = 0; i < 15; i++) expect((await buy(off.b)).status).toBe(201)
    const checkoutOff = await shop({ rateLimits: { checkout: false } })
    for (let i = 0; i < 15; i++) expect((await buy(checkoutOff.b)).status).toBe(201)
  })

  it('#9 rate limits: with store "storage" the limit holds across two loops sharing one storage', async () => {
    const storage = memoryStorage()
    const rateLimits = { store: 'storage' as const, checkout: { capacity: 4, refillPerSecond: 0.01 } }
    const a = await shop({ storage, rateLimits })
    const b = testLoop({ storage, rateLimits })
    // The second instance sees the same session (same secret) and the same buckets.
    const second = browser(b.loop.fetch)
    for (const [k, v] of a.b.jar) second.jar.set(k, v)
    const statuses = [await buy(a.b), await buy(second), await buy(a.b), await buy(second), await buy(a.b)]
    expect(statuses.map((r) => r.status)).toEqual([201, 201, 201, 201, 429])
  })

  it('#9 rate limits: a custom store is used as given; a storage without takeTokens is refused', async () => {
    const store = memoryRateLimitStore()
    const { b } = await shop({ rateLimits: { store } })
    await buy(b)
    expect(store.size).toBeGreaterThan(0)
    const bare = { ...memoryStorage() }
    delete (bare as { takeTokens?: unknown }).takeTokens
    expect(() => testLoop({ storage: bare, rateLimits: { store: 'storage' } })).toThrow(/takeTokens/)
    expect(() => testLoop({ rateLimits: { checkout: { capacity: 0, refillPerSecond: 1 } } })).toThrow(
      /rateLimits.checkout/,
    )
  })

  it('#9 rate limits: the memory store forgets the coldest buckets past maxKeys', async () => {
    const store = memoryRateLimitStore({ maxKeys: 100 })
    for (let i = 0; i < 1000; i++)
      await store.take({ key: `k${i}`, capacity: 1, refillPerSecond: 1, cost: 1, now: 0 })
    expect(store.size).toBeLessThanOrEqual(100)
    // The newest key is remembered (and empty); a forgotten one starts full again.
    expect(
      (await store.take({ key: 'k999', capacity: 1, refillPerSecond: 1, cost: 1, now: 0 })).allowed,
    ).toBe(false)
    expect((await store.take({ key: 'k0', capacity: 1, refillPerSecond: 1, cost: 1, now: 0 })).allowed).toBe(
      true,
    )
  })
})
