import { foldRollups, isLoopError, toCsv } from '@loopkit/core'
import { memoryStorage } from '@loopkit/core/dev'
import { referralRewards } from '@loopkit/core/plugins'
import { describe, expect, it } from 'vitest'
import { duck, testLoop } from './_setup.js'

const DAY = 86_400_000

async function world(overrides: Parameters<typeof testLoop>[0] = {}) {
  const t = testLoop({
    plugins: [referralRewards({ reward: { type: 'fixed', amount: 500 }, holdMs: 7 * DAY })],
    ...overrides,
  })
  await t.loop.catalog.put(duck)
  const buy = async (
    buyerId: string,
    sharerId: string | null = null,
    visitorKey = `browser-of-${buyerId}`,
  ) => {
    if (sharerId) {
      const { token } = await t.loop.shares.create({ customerId: sharerId, skuId: 'duck', channel: 'wechat' })
      await t.loop.shares.visit({ token, visitorKey, customerId: null })
    }
    const { order } = await t.loop.checkout({
      customerId: buyerId,
      lines: [{ skuId: 'duck', quantity: 1 }],
      visitorKey,
    })
    const res = await t.loop.fetch(await t.sandbox.pay({ orderNumber: order.number }))
    expect(res.status).toBe(204)
    return order
  }
  return { ...t, buy }
}

const step = (f: { steps: Array<{ step: string; people: number }> }, name: string) =>
  f.steps.find((s) => s.step === name)?.people

describe('loop analytics', () => {
  it('a customer logging in five times counts once', async () => {
    const { loop, customer } = await world()
    for (let i = 0; i < 5; i++) await customer('alice')
    await customer('bob')
    const f = await loop.analytics.funnel()
    expect(step(f, 'logged_in')).toBe(2)
    expect((await loop.analytics.events({ types: ['customer.logged_in'] })).length).toBe(6)
  })

  it('a refund takes revenue back from the day the order was paid, not the day of the refund', async () => {
    const { loop, customer, buy, clock } = await world()
    const alice = await customer('alice')
    const paidDay = new Date(clock.now()).toISOString().slice(0, 10)
    const order = await buy(alice.id)
    clock.advance(3 * DAY)
    const refundDay = new Date(clock.now()).toISOString().slice(0, 10)
    await loop.refunds.create({ orderId: order.id, amount: 3000 })
    const days = await loop.analytics.series({ from: paidDay, to: refundDay })
    expect(days.find((d) => d.day === paidDay)).toMatchObject({ orders: 1, revenue: { CNY: 8800 - 3000 } })
    expect(days.find((d) => d.day === refundDay)).toMatchObject({ orders: 0, revenue: {}, refunds: 1 })
  })

  it("a sharer's K counts only distinct friends who bought", async () => {
    const { loop, customer, buy } = await world()
    const alice = await customer('alice')
    const bob = await customer('bob')
    const carol = await customer('carol')
    await buy(alice.id)
    await buy(bob.id, alice.id)
    await buy(bob.id, alice.id) // Bob again: one friend, two orders
    await buy(carol.id, alice.id)
    const [top] = await loop.analytics.leaderboard()
    expect(top).toMatchObject({ sharerId: alice.id, shares: 3, visits: 3, buyers: 2, orders: 3 })
    expect(top!.revenue).toEqual({ CNY: 3 * 8800 })
    expect(top!.rewards).toEqual({ CNY: 3 * 500 })
    expect(top!.k).toBe(0.6667)
    const v = await loop.analytics.virality()
    // 3 buyers (alice, bob, carol), 3 shares, 2 distinct friend buyers: K = 2 / 3.
    expect(v).toMatchObject({ buyers: 3, shares: 3, friendBuyers: 2, k: 0.6667 })
  })

  it('the leaderboard ranks by distinct friends, then visits; a short board fills with sharers who only shared', async () => {
    // The same answers whether the storage ranks sharers itself (topRollupKeys) or analytics does.
    const ranking = memoryStorage()
    const plain = memoryStorage()
    delete plain.topRollupKeys
    for (const storage of [ranking, plain]) {
      const { loop, customer, buy } = await world({ storage })
      const [a, b, c, d] = await Promise.all(['ann', 'ben', 'cat', 'dan'].map((n) => customer(n)))
      const [f1, f2, f3] = await Promise.all(['f1', 'f2', 'f3'].map((n) => customer(n)))
      await buy(f1!.id, a!.id)
      await buy(f2!.id, a!.id)
      await buy(f3!.id, b!.id)
      await buy(f1!.id, c!.id)
      // Ben's link is opened twice more without a purchase: he beats Cat on visits.
      const { token } = await loop.shares.create({ customerId: b!.id, skuId: 'duck', channel: 'wechat' })
      await loop.shares.visit({ token, visitorKey: 'x1', customerId: null })
      await loop.shares.visit({ token, visitorKey: 'x2', customerId: null })
      await loop.shares.create({ customerId: d!.id, skuId: 'duck', channel: 'wechat' })
      const two = await loop.analytics.leaderboard({ limit: 2 })
      expect(two.map((r) => [r.sharerId, r.buyers, r.visits])).toEqual([
        [a!.id, 2, 2],
        [b!.id, 1, 3],
      ])
      expect(two[1]).toMatchObject({ shares: 2, orders: 1, revenue: { CNY: 8800 }, rewards: { CNY: 500 } })
      const all = await loop.analytics.leaderboard({ limit: 10 })
      expect(all.map((r) => [r.sharerId, r.buyers, r.shares])).toEqual([
        [a!.id, 2, 2],
        [b!.id, 1, 2],
        [c!.id, 1, 1],
        [d!.id, 0, 1],
      ])
    }
  })

  it('the people funnel counts distinct people per step, friends by browser before login', async () => {
    const { loop, customer, buy } = await world()
    const alice = await customer('alice')
    const bob = await customer('bob')
    await buy(alice.id)
    await buy(bob.id, alice.id, 'bob-browser')
    await buy(bob.id, alice.id, 'bob-browser')
    const f = await loop.analytics.funnel()
    expect(f.steps.map((s) => [s.step, s.people])).toEqual([
      ['visited', 3], // alice and bob logged in (no browser), bob's browser opened the link
      ['logged_in', 2],
      ['checked_out', 2],
      ['paid', 2],
      ['shared', 1],
      ['friend_visited', 1],
      ['friend_bought', 1],
    ])
    expect(f.steps[2]).toMatchObject({ conversion: 1 })
    expect(f.steps[4]).toMatchObject({ conversion: 0.5 })
  })

  it('repurchase cohorts: rate and time to second order by the month of the first', async () => {
    const { loop, customer, buy, clock } = await world()
    const alice = await customer('alice')
    const bob = await customer('bob')
    await buy(alice.id)
    await buy(bob.id)
    clock.advance(10 * DAY)
    await buy(alice.id)
    await buy(alice.id)
    const cohorts = await loop.analytics.cohorts({ from: '2026-11-01', to: '2026-12-31' })
    expect(cohorts).toEqual([
      { month: '2026-11', buyers: 2, repeaters: 1, repurchaseRate: 0.5, meanTimeToSecondOrderMs: 10 * DAY },
    ])
  })

  it('days are counted in the configured zone', async () => {
    const { loop, customer, buy, clock } = await world({ analytics: { zone: 'Asia/Shanghai' } })
    const alice = await customer('alice')
    clock.advance(17 * 3_600_000) // 2026-11-26T01:00Z = 09:00 in Shanghai
    await buy(alice.id)
    const days = await loop.analytics.series({ from: '2026-11-26', to: '2026-11-26' })
    expect(days).toEqual([expect.objectContaining({ day: '2026-11-26', orders: 1 })])
    const { loop: utcLoop } = await world()
    expect(
      (await utcLoop.analytics.series({ from: '2026-11-25', to: '2026-11-26' })).map((d) => d.orders),
    ).toEqual([0, 0])
  })

  it('counts events carrying a campaignId per campaign', async () => {
    const { loop, customer, clock } = await world()
    const alice = await customer('alice')
    const at = clock.now()
    await loop.storage.appendEvents({
      events: [
        {
          id: 'evt_c1',
          type: 'campaign.sent',
          at,
          customerId: alice.id,
          orderId: null,
          data: { campaignId: 'spring' },
        },
        {
          id: 'evt_c2',
          type: 'campaign.sent',
          at,
          customerId: 'cus_x',
          orderId: null,
          data: { campaignId: 'spring' },
        },
      ],
    })
    const rows = await loop.analytics.breakdown({ dimension: 'campaign' })
    expect(rows).toEqual([
      expect.objectContaining({ key: 'spring', reached: 2, bought: 0, counts: { 'event:campaign.sent': 2 } }),
    ])
  })

  it('bad windows and dimensions are invalid_input; an unknown zone is a configuration error', async () => {
    const { loop } = await world()
    for (const p of [
      loop.analytics.funnel({ from: 'yesterday' }),
      loop.analytics.series({ from: '2026-11-02', to: '2026-11-01' }),
      loop.analytics.breakdown({ dimension: 'colour' as never }),
    ]) {
      const e = await p.catch((x: unknown) => x)
      expect(isLoopError(e) && e.code).toBe('invalid_input')
    }
    expect(() => testLoop({ analytics: { zone: 'Mars/Olympus' } })).toThrow(/time zone/)
    for (const foldShare of [0, 1.5, Number.NaN, '0.5' as never])
      expect(() => testLoop({ analytics: { foldShare } })).toThrow(/foldShare/)
  })

  it('a fold sharing its time still folds everything; aborted, it stops after the batch in hand', async () => {
    const storage = memoryStorage()
    const { customer } = await world({ storage })
    for (let i = 0; i < 30; i++) await customer(`c${i}`)
    const events = (await storage.listEvents({ limit: 1000 })).length
    const stopped = new AbortController()
    const first = foldRollups({ storage, batchSize: 10, share: 0.5, signal: stopped.signal })
    stopped.abort()
    expect(await first).toEqual({ folded: 10 })
    expect(await foldRollups({ storage, batchSize: 10, share: 0.5 })).toEqual({ folded: events - 10 })
  })

  it('CSV export neutralises formula cells (CSV injection)', async () => {
    expect(toCsv([{ key: '=HYPERLINK("x")', n: -3, s: '-1+1', t: '@SUM(A1)', u: '+1', plain: 'duck' }])).toBe(
      `key,n,s,t,u,plain\r\n"'=HYPERLINK(""x"")",-3,"'-1+1","'@SUM(A1)","'+1",duck\r\n`,
    )
    const { loop, customer, buy } = await world()
    await buy((await customer('alice')).id)
    const csv = await loop.analytics.exportCsv({ report: 'series', from: '2026-11-25', to: '2026-11-25' })
    expect(csv).toBe('day,orders,revenue.CNY,refunds,visits,shares\r\n2026-11-25,1,8800,0,0,0\r\n')
  })
})
