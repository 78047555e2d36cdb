import { describe, expect, it } from 'vitest'
import { browser, sandboxLogin } from './_browser.js'
import { duck, testLoop } from './_setup.js'

/** A loop with the duck on sale and a sharer's link. */
async function shareLoop(overrides: Parameters<typeof testLoop>[0] = {}) {
  const t = testLoop(overrides)
  await t.loop.catalog.put(duck)
  const sharer = await t.customer('sharer')
  const { token } = await t.loop.shares.create({ customerId: sharer.id, skuId: 'duck' })
  const visits = async () => t.loop.analytics.events({ types: ['share.visited'] })
  return { ...t, sharer, path: `/loop/s/${token}`, visits }
}

/** The friend logs in in this browser and buys a duck: the order, with its attribution. */
async function buy(t: Awaited<ReturnType<typeof shareLoop>>, b: ReturnType<typeof browser>) {
  await sandboxLogin(b, 'friend')
  const res = await b.request('/loop/checkout', {
    method: 'POST',
    json: { lines: [{ skuId: 'duck', quantity: 1 }] },
  })
  expect(res.status).toBe(201)
  const { order } = (await res.json()) as { order: { id: string } }
  return t.loop.orders.get(order.id)
}

describe('GET /s/:token records only a person following the link', () => {
  it('an image, a fetch or a frame another page embeds is redirected but records nothing, so it cannot plant an attribution', async () => {
    const t = await shareLoop()
    const b = browser(t.loop.fetch)
    for (const headers of [
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' },
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' },
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'iframe' },
    ]) {
      expect((await b.request(t.path, { headers })).status).toBe(302)
    }
    expect(await t.visits()).toEqual([])
    // The attacker's page made this browser fetch the link; its next purchase credits nobody.
    expect((await buy(t, b))?.attribution).toBeNull()
  })

  it('a click from a chat or another site is a visit, and the purchase after it is attributed', async () => {
    const t = await shareLoop()
    const b = browser(t.loop.fetch)
    const click = {
      'sec-fetch-site': 'cross-site',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-dest': 'document',
    }
    expect((await b.request(t.path, { headers: click })).status).toBe(302)
    // WeChat's in-app browser sends no fetch metadata: it counts too.
    expect((await b.request(t.path)).status).toBe(302)
    expect(await t.visits()).toHaveLength(2)
    expect((await buy(t, b))?.attribution).toMatchObject({ sharerId: t.sharer.id })
  })

  it('over the links rate limit the link still leads on but records nothing', async () => {
    const t = await shareLoop({ rateLimits: { links: { capacity: 2, refillPerSecond: 0.001 } } })
    const b = browser(t.loop.fetch)
    await b.request(t.path) // mints the visitor cookie (from the shared anonymous bucket)
    for (let i = 0; i < 5; i++) {
      const res = await b.request(t.path)
      expect(res.status).toBe(302)
      expect(res.headers.get('location')).toMatch(/share=/)
    }
    expect(await t.visits()).toHaveLength(3)
  })
})
