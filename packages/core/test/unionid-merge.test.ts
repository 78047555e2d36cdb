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
