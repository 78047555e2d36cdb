import { describe, expect, it } from 'vitest'
import { duck, testLoop } from './_setup.js'

describe('#9.13 a login that reveals a unionid merges the two customers it links', () => {
  it('#9.13 official account without unionid, then mini-program with it, then the official account with it: one customer', async () => {
    const { loop, clock } = testLoop()
    await loop.catalog.put(duck)
    const seen: unknown[] = []
    loop.on('customer.merged', (e) => seen.push(e.data))

    const a = (await loop.customers.login({ profile: { provider: 'wechat', subject: 'oa-openid-1' } }))
      .customer
    clock.advance(1000)
    const b = (
      await loop.customers.login({
        profile: { provider: 'wechat-mp', subject: 'mp-openid-1', unionId: 'U-1' },
      })
    ).customer
    expect(b.id).not.toBe(a.id) // nothing links them yet
    const { order } = await loop.checkout({ customerId: b.id, lines: [{ skuId: 'duck', quantity: 1 }] })

    clock.advance(1000)
    const again = await loop.customers.login({
      profile: { provider: 'wechat', subject: 'oa-openid-1', unionId: 'U-1' },
    })
    expect(again.created).toBe(false)
    expect(again.customer.id).toBe(a.id) // the older survives
    expect(again.customer.identities.map((i) => i.provider)).toEqual(['wechat', 'wechat-mp'])
    expect((await loop.customers.get(b.id))?.id).toBe(a.id)
    expect((await loop.orders.get(order.id))?.customerId).toBe(a.id)
    expect(seen).toEqual([{ survivorId: a.id, mergedId: b.id, unionId: 'U-1' }])
    const logged = await loop.analytics.events({ types: ['customer.merged'] })
    expect(logged.map((e) => [e.customerId, e.data])).toEqual([
      [a.id, { survivorId: a.id, mergedId: b.id, unionId: 'U-1' }],
    ])
    // A checkout under the old id (a stale session) buys as the survivor.
    const late = await loop.checkout({ customerId: b.id, lines: [{ skuId: 'duck', quantity: 1 }] })
    expect(late.order.customerId).toBe(a.id)
  })
})

describe('a device whose session still names a merged customer', () => {
  it('lists the survivor’s orders and messages over HTTP and in the programmatic API', async () => {
    let sessionOf: string | null = null
    const { loop, clock } = testLoop({ session: { resolve: () => sessionOf } })
    await loop.catalog.put(duck)
    const a = (await loop.customers.login({ profile: { provider: 'wechat', subject: 'oa-2' } })).customer
    clock.advance(1000) // the older customer survives the merge
    const b = (
      await loop.customers.login({ profile: { provider: 'wechat-mp', subject: 'mp-2', unionId: 'U-2' } })
    ).customer
    const { order } = await loop.checkout({ customerId: b.id, lines: [{ skuId: 'duck', quantity: 1 }] })
    await loop.customers.login({ profile: { provider: 'wechat', subject: 'oa-2', unionId: 'U-2' } })

    sessionOf = b.id // the mini-program's device logged in before the merge
    const get = (path: string) => loop.fetch(new Request(`http://shop.test/loop${path}`))
    const listed = (await (await get('/orders')).json()) as { orders: { id: string; customerId: string }[] }
    expect(listed.orders.map((o) => [o.id, o.customerId])).toEqual([[order.id, a.id]])
    expect((await get(`/orders/${order.id}`)).status).toBe(200)
    expect((await loop.orders.list({ customerId: b.id })).map((o) => o.id)).toEqual([order.id])
  })
})
