import type { Sku, StorageAdapter } from '@loopkit/core'
import { id, order, payment, profile, refund, reward, sku, T0 } from './fixtures.js'

const DAY = 86_400_000
/** The pool's "now": 100 days after the suite's origin. */
export const POOL_NOW = T0 + 100 * DAY
export const day = (n: number): number => T0 + n * DAY

/** The seeded pool: six customers named A–F, each with a known id. */
export type PoolIds = Record<'A' | 'B' | 'C' | 'D' | 'E' | 'F', string>

async function paid(s: StorageAdapter, input: { customerId: string; sku: Sku; at: number }) {
  const o = order({ customerId: input.customerId, sku: input.sku, createdAt: input.at - 1000 })
  await s.createOrder(o)
  const r = await s.markPaid({
    orderId: o.order.id,
    delivery: null,
    payment: payment(o.order),
    now: input.at,
  })
  return r.order!
}

async function refunded(s: StorageAdapter, o: Awaited<ReturnType<typeof paid>>, amount: number, at: number) {
  const r = refund(o, amount, { createdAt: at, updatedAt: at })
  await s.createRefund({ refund: r })
  await s.settleRefund({ id: r.id, status: 'succeeded', now: at })
}

/**
 * Seeds a small pool through the public operations only, so every adapter holds the same facts:
 *
 * | | tags | follow | identities | consent wechat-oa/promo | counted orders (CNY) | last paid | referred by | rewards CNY | interacted | created |
 * |-|-|-|-|-|-|-|-|-|-|-|
 * | A | vip | following since day 1 | wechat | uncounted | 2 (17,600) | day 95 | — | 800 | day 99 | day 0 |
 * | B | vip, duck | unfollowed day 30 | sandbox | used up | 1 (8,000 after an 800 refund) | day 50 | A | 400 | — | day 1 |
 * | C | — | never | wechat | revoked | 0 (one fully refunded) | day 98 | A | — | day 90 | day 2 |
 * | D | duck | following since day 3 | sandbox | — | 0 (one pending) | — | B | — | — | day 3 |
 * | E | — | following since day 4 | wechat + sandbox | — | 1 (USD 1,000) | day 20 | — | — | — | day 4 |
 * | F | — | never | sandbox | — | 0 | — | — | — | — | day 5 |
 */
export async function seedPool(s: StorageAdapter): Promise<PoolIds> {
  const make = async (
    name: string,
    at: number,
    provider: string,
    referredBy: string | null = null,
    unionId?: string,
  ) => {
    const p = profile({ provider, ...(unionId ? { unionId } : {}) })
    return (await s.upsertCustomer({ id: id(`cus${name}`), profile: p, referredBy, now: at })).customer.id
  }
  const A = await make('A', day(0), 'wechat')
  const B = await make('B', day(1), 'sandbox', A)
  const C = await make('C', day(2), 'wechat', A)
  const D = await make('D', day(3), 'sandbox', B)
  const E = await make('E', day(4), 'wechat', null, 'u_pool_e')
  await s.upsertCustomer({
    id: id('cus'),
    profile: profile({ provider: 'sandbox', unionId: 'u_pool_e' }),
    now: day(4),
  })
  const F = await make('F', day(5), 'sandbox')

  await s.updateCustomer({ id: A, addTags: ['vip'], now: day(6) })
  await s.updateCustomer({ id: B, addTags: ['vip', 'duck'], now: day(6) })
  await s.updateCustomer({ id: D, addTags: ['duck'], now: day(6) })

  await s.recordActivity({ customerId: A, followed: true, now: day(1) })
  await s.recordActivity({ customerId: B, followed: true, now: day(2) })
  await s.recordActivity({ customerId: B, followed: false, now: day(30) })
  await s.recordActivity({ customerId: D, followed: true, now: day(3) })
  await s.recordActivity({ customerId: E, followed: true, now: day(4) })
  await s.recordActivity({ customerId: A, interactedAt: day(99), now: day(99) })
  await s.recordActivity({ customerId: C, interactedAt: day(90), now: day(90) })

  const consent = { channel: 'wechat-oa', topic: 'promo' }
  await s.changeConsent({ customerId: A, ...consent, change: { grant: null }, now: day(7) })
  await s.changeConsent({ customerId: B, ...consent, change: { grant: 1 }, now: day(7) })
  await s.changeConsent({ customerId: B, ...consent, change: { consume: true }, now: day(8) })
  await s.changeConsent({ customerId: C, ...consent, change: { grant: 3 }, now: day(7) })
  await s.changeConsent({ customerId: C, ...consent, change: { revoke: true }, now: day(8) })

  const duck = sku({ price: 8800, currency: 'CNY', stock: null })
  const pin = sku({ price: 1000, currency: 'USD', stock: null })
  await s.putSku({ sku: duck })
  await s.putSku({ sku: pin })
  await paid(s, { customerId: A, sku: duck, at: day(10) })
  await paid(s, { customerId: A, sku: duck, at: day(95) })
  await refunded(s, await paid(s, { customerId: B, sku: duck, at: day(50) }), 800, day(51))
  await refunded(s, await paid(s, { customerId: C, sku: duck, at: day(98) }), 8800, day(99))
  await s.createOrder(order({ customerId: D, sku: duck, createdAt: day(99) }))
  await paid(s, { customerId: E, sku: pin, at: day(20) })

  await s.createReward({ reward: reward({ sharerId: A, amount: 500 }) })
  const released = reward({ sharerId: A, amount: 300 })
  await s.createReward({ reward: released })
  await s.transitionReward({ id: released.id, from: ['held'], to: 'released', now: day(40) })
  const gone = reward({ sharerId: A, amount: 200 })
  await s.createReward({ reward: gone })
  await s.clawBackReward({ id: gone.id, clawedBack: 200, now: day(41) })
  const part = reward({ sharerId: B, amount: 500 })
  await s.createReward({ reward: part })
  await s.clawBackReward({ id: part.id, clawedBack: 100, now: day(41) })
  return { A, B, C, D, E, F }
}
