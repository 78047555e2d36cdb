// Issue #9.11: a refund claws back the referral reward in proportion to what was refunded.
import { type ReferralRewardsOptions, referralRewards } from '@loopkit/core/plugins'
import { describe, expect, it } from 'vitest'
import { duck, testLoop } from './_setup.js'

const DAY = 86_400_000

async function world(options: Partial<ReferralRewardsOptions> = {}) {
  const t = testLoop({
    plugins: [referralRewards({ reward: { type: 'fixed', amount: 500 }, holdMs: 7 * DAY, ...options })],
  })
  await t.loop.catalog.put(duck) // 8800 fen
  const a = await t.customer('a')
  const b = await t.customer('b')
  const { token } = await t.loop.shares.create({ customerId: a.id, skuId: 'duck' })
  await t.loop.shares.visit({ token, visitorKey: 'browser-of-b', customerId: b.id })
  const { order } = await t.loop.checkout({ customerId: b.id, lines: [{ skuId: 'duck', quantity: 1 }] })
  expect((await t.loop.fetch(await t.sandbox.pay({ orderNumber: order.number }))).status).toBe(204)
  const reward = async () => (await t.loop.rewards.list({ orderId: order.id }))[0]!
  return { ...t, a, order, reward }
}

describe('partial refunds and referral rewards (#9.11)', () => {
  it('#9.11 a 1-fen refund claws back nothing of the reward (the sharer is never over-clawed)', async () => {
    const { loop, order, reward } = await world()
    await loop.refunds.create({ orderId: order.id, amount: 1 })
    expect(await reward()).toMatchObject({ amount: 500, clawedBack: 0, status: 'held' })
    expect(await loop.analytics.events({ types: ['reward.clawed_back'] })).toEqual([])
  })

  it('#9.11 partial refunds claw back floor(reward × refunded / total), a full refund all of it', async () => {
    const { loop, order, reward, a } = await world()
    await loop.refunds.create({ orderId: order.id, amount: 4400 }) // half
    expect(await reward()).toMatchObject({ clawedBack: 250, status: 'held' })
    await loop.refunds.create({ orderId: order.id, amount: 2200 }) // three quarters in all
    expect(await reward()).toMatchObject({ clawedBack: 375, status: 'held' })
    const events = await loop.analytics.events({ types: ['reward.clawed_back'], customerId: a.id })
    expect(events.map((e) => e.data)).toEqual([
      expect.objectContaining({ amount: 250, clawedBack: 250, remaining: 250 }),
      expect.objectContaining({ amount: 125, clawedBack: 375, remaining: 125 }),
    ])
    await loop.refunds.create({ orderId: order.id }) // the rest
    expect(await reward()).toMatchObject({ clawedBack: 500, status: 'clawed_back' })
  })

  it('#9.11 rounding: 1 fen of a 8800-fen order out of a 500-fen reward, repeated, stays below the exact share', async () => {
    const { loop, order, reward } = await world()
    // 18 refunds of 1 fen: exactly 500 × 18 / 8800 = 1.02 → 1 fen clawed back, never 2.
    for (let i = 0; i < 18; i++) await loop.refunds.create({ orderId: order.id, amount: 1 })
    expect(await reward()).toMatchObject({ clawedBack: 1, status: 'held' })
  })

  it('#9.11 what a partially clawed-back reward releases is what is left', async () => {
    const { loop, order, reward, clock, a } = await world()
    await loop.refunds.create({ orderId: order.id, amount: 2200 })
    clock.advance(7 * DAY)
    await loop.tick()
    expect(await reward()).toMatchObject({ clawedBack: 125, status: 'released' })
    const [released] = await loop.analytics.events({ types: ['reward.released'], customerId: a.id })
    expect(released?.data).toMatchObject({ amount: 375 })
  })

  it('#9.11 a coupon reward is clawed back only by a full refund', async () => {
    const { loop, order, reward } = await world({
      reward: { type: 'coupon', code: ({ sharerId }) => `THANKS-${sharerId.slice(-4)}` },
    })
    await loop.refunds.create({ orderId: order.id, amount: 4400 })
    expect((await reward()).status).toBe('held')
    await loop.refunds.create({ orderId: order.id })
    expect((await reward()).status).toBe('clawed_back')
  })
})
