import { type ReferralRewardsOptions, referralRewards } from '@loopkit/core/plugins'
import { describe, expect, it } from 'vitest'
import { duck, testLoop } from './_setup.js'

const DAY = 86_400_000

async function world(options: Partial<ReferralRewardsOptions> = {}) {
  const t = testLoop({
    plugins: [referralRewards({ reward: { type: 'fixed', amount: 500 }, holdMs: 7 * DAY, ...options })],
  })
  await t.loop.catalog.put(duck)
  /** `buyer` opens `sharer`'s share link, then buys and pays. */
  const buyThrough = async (sharerId: string | null, buyerId: string, quantity = 1) => {
    if (sharerId) {
      const { token } = await t.loop.shares.create({ customerId: sharerId, skuId: 'duck' })
      await t.loop.shares.visit({ token, visitorKey: `browser-of-${buyerId}`, customerId: buyerId })
    }
    const { order } = await t.loop.checkout({ customerId: buyerId, lines: [{ skuId: 'duck', quantity }] })
    const res = await t.loop.fetch(await t.sandbox.pay({ orderNumber: order.number }))
    expect(res.status).toBe(204)
    return order
  }
  return { ...t, buyThrough }
}

describe('referral rewards', () => {
  it('A shares, B buys through the link → A accrues a held reward, released after the hold', async () => {
    const { loop, customer, buyThrough, clock } = await world()
    const a = await customer('a')
    const b = await customer('b')
    const order = await buyThrough(a.id, b.id)
    expect(await loop.rewards.list({ sharerId: a.id })).toEqual([
      expect.objectContaining({ orderId: order.id, amount: 500, status: 'held' }),
    ])
    expect(await loop.analytics.events({ types: ['reward.accrued'], customerId: a.id })).toHaveLength(1)
    await loop.tick()
    expect((await loop.rewards.list({ sharerId: a.id }))[0]!.status).toBe('held')
    clock.advance(7 * DAY)
    await loop.tick()
    expect((await loop.rewards.list({ sharerId: a.id }))[0]!.status).toBe('released')
  })

  it('B refunds inside the hold → the reward is clawed back; after the hold a refund changes nothing', async () => {
    const { loop, customer, buyThrough, clock } = await world()
    const a = await customer('a')
    const b = await customer('b')
    const first = await buyThrough(a.id, b.id)
    clock.advance(DAY)
    await loop.refunds.create({ orderId: first.id })
    expect((await loop.rewards.list({ orderId: first.id }))[0]!.status).toBe('clawed_back')
    const second = await buyThrough(a.id, b.id)
    clock.advance(8 * DAY)
    await loop.tick()
    await loop.refunds.create({ orderId: second.id })
    expect((await loop.rewards.list({ orderId: second.id }))[0]!.status).toBe('released')
  })

  it('A buying through their own link earns nothing', async () => {
    const { loop, customer, buyThrough } = await world()
    const a = await customer('a')
    const order = await buyThrough(a.id, a.id)
    expect((await loop.orders.get(order.id))?.attribution).toBeNull()
    expect(await loop.rewards.list({ sharerId: a.id })).toEqual([])
  })

  it('a circle A→B→A earns B nothing', async () => {
    const { loop, customer, buyThrough } = await world()
    const a = await customer('a')
    const b = await customer('b')
    await buyThrough(a.id, b.id) // B came through A
    await buyThrough(b.id, a.id) // A buys through B's link
    expect(await loop.rewards.list({ sharerId: a.id })).toHaveLength(1)
    expect(await loop.rewards.list({ sharerId: b.id })).toEqual([])
  })

  it('the per-sharer cap holds, also under concurrent payments', async () => {
    const { loop, customer, buyThrough, messages } = await world({ capPerSharer: 1200 })
    const a = await customer('a')
    const buyers = await Promise.all(Array.from({ length: 6 }, (_, i) => customer(`b${i}`)))
    await Promise.all(buyers.map((b) => buyThrough(a.id, b.id)))
    const rewards = await loop.rewards.list({ sharerId: a.id })
    expect(rewards.reduce((s, r) => s + r.amount, 0)).toBe(1200)
    expect(rewards.map((r) => r.amount).sort()).toEqual([200, 500, 500])
    // The log and the sharer's messages say what was really accrued, cap included.
    const accrued = await loop.analytics.events({ types: ['reward.accrued'], customerId: a.id })
    expect(accrued.map((e) => e.data.amount).sort()).toEqual([200, 500, 500])
    await loop.notify.dispatch()
    const toA = messages.sent.filter((m) => m.customerId === a.id).map((m) => m.message.body)
    expect(toA.sort()).toEqual(['You earned ¥2.00.', 'You earned ¥5.00.', 'You earned ¥5.00.'])
  })

  it('a percentage reward is computed in integer minor units', async () => {
    const { loop, customer, buyThrough } = await world({ reward: { type: 'percent', basisPoints: 333 } })
    const a = await customer('a')
    const b = await customer('b')
    await buyThrough(a.id, b.id, 3) // 26400 fen × 3.33 % = 879.12 → 879
    expect((await loop.rewards.list({ sharerId: a.id }))[0]!.amount).toBe(879)
  })

  it('refuses a nonsensical rule at configuration time', () => {
    expect(() => referralRewards({ reward: { type: 'percent', basisPoints: 0 } })).toThrow(/basisPoints/)
    expect(() => referralRewards({ reward: { type: 'fixed', amount: 1.5 } })).toThrow(/minor units/)
  })
})
