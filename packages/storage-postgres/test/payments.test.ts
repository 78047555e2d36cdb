import type { Payment, Refund, Reward } from '@loopkit/core'
import { isLoopError } from '@loopkit/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresStorage } from '../src/index.js'
import { createTestStorage, dropSchema, event, note, order, uid } from './helpers.js'

let storage: PostgresStorage
beforeAll(() => {
  storage = createTestStorage()
})
afterAll(async () => {
  await storage.close()
  await dropSchema(storage.schema)
})

const payment = (orderId: string): Payment => ({
  id: uid('pay_'),
  orderId,
  provider: 'sandbox',
  providerRef: 'sbx-tx-1',
  amount: 8800,
  currency: 'CNY',
  status: 'pending',
  createdAt: 1_500,
  updatedAt: 1_500,
})

const refund = (orderId: string, amount: number, number = uid('R')): Refund => ({
  id: uid('ref_'),
  orderId,
  number,
  amount,
  currency: 'CNY',
  reason: null,
  status: 'pending',
  providerRef: null,
  createdAt: 3_000,
  updatedAt: 3_000,
})

describe('markPaid', () => {
  it('pays once when the same webhook is delivered ten times at once', async () => {
    const { order: o } = await storage.createOrder({ order: order(), reserve: [] })
    const pay = payment(o.id)
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        storage.markPaid({
          orderId: o.id,
          delivery: { provider: 'sandbox', eventId: `evt-${o.id}`, receivedAt: 2_000 },
          payment: pay,
          now: 2_000,
          effects: { events: [event('order.paid', { orderId: o.id })], outbox: [note(uid('paid:'))] },
        }),
      ),
    )
    expect(results.filter((r) => r.changed)).toHaveLength(1)
    expect(results.filter((r) => r.duplicate)).toHaveLength(9)
    expect(results.every((r) => r.order?.status === 'paid')).toBe(true)
    expect(await storage.listPayments({ orderId: o.id })).toEqual([
      { ...pay, status: 'succeeded', updatedAt: 2_000 },
    ])
    expect(await storage.listEvents({ orderId: o.id, limit: 10 })).toHaveLength(1)
    expect(
      (await storage.listNotifications({ limit: 1000 })).filter((n) => n.dedupeKey.startsWith('paid:')),
    ).toHaveLength(1)
  })

  it('records a second, different delivery for an already paid order without changing it', async () => {
    const { order: o } = await storage.createOrder({ order: order(), reserve: [] })
    const first = await storage.markPaid({
      orderId: o.id,
      delivery: { provider: 'sandbox', eventId: `a-${o.id}`, receivedAt: 2_000 },
      payment: payment(o.id),
      now: 2_000,
    })
    const second = await storage.markPaid({
      orderId: o.id,
      delivery: { provider: 'sandbox', eventId: `b-${o.id}`, receivedAt: 2_100 },
      payment: payment(o.id),
      now: 2_100,
      effects: { events: [event('order.paid', { orderId: o.id })] },
    })
    expect(first.changed).toBe(true)
    expect(second).toEqual({ order: first.order, changed: false, duplicate: false })
    expect(
      await storage.recordWebhook({ delivery: { provider: 'sandbox', eventId: `b-${o.id}`, receivedAt: 1 } }),
    ).toEqual({
      first: false,
    })
    expect(await storage.listEvents({ orderId: o.id, limit: 10 })).toEqual([])
  })
})

describe('refunds', () => {
  it('never lets racing refunds exceed the order total', async () => {
    const { order: o } = await storage.createOrder({ order: order({ quantity: 1 }), reserve: [] })
    await storage.transitionOrder({ id: o.id, from: ['pending'], to: 'paid', now: 2_000 })
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => storage.createRefund({ refund: refund(o.id, 3_000) })),
    )
    const ok = results.filter((r) => r.status === 'fulfilled')
    expect(ok).toHaveLength(2) // 2 × 3000 ≤ 8800 < 3 × 3000
    for (const r of results) {
      if (r.status === 'rejected') expect(isLoopError(r.reason) && r.reason.code).toBe('refund_exceeds_paid')
    }
    expect((await storage.listRefunds({ orderId: o.id })).reduce((sum, r) => sum + r.amount, 0)).toBe(6_000)
  })

  it('returns the existing refund for a repeated number, and settles each refund once', async () => {
    const { order: o } = await storage.createOrder({ order: order(), reserve: [] })
    await storage.transitionOrder({ id: o.id, from: ['pending'], to: 'paid', now: 2_000 })
    const whole = refund(o.id, 8_800, uid('R'))
    const made = await storage.createRefund({ refund: whole })
    const again = await storage.createRefund({ refund: { ...whole, id: uid('ref_') } })
    expect(again).toEqual({ refund: made.refund, created: false })

    const settles = await Promise.all(
      [0, 1, 2].map(() =>
        storage.settleRefund({ id: whole.id, status: 'succeeded', providerRef: 'rf-1', now: 4_000 }),
      ),
    )
    expect(settles.filter((s) => s.changed)).toHaveLength(1)
    const order1 = await storage.getOrder({ id: o.id })
    expect(order1).toMatchObject({ status: 'refunded', refunded: 8_800 })
  })

  it('moves to partially_refunded and ignores a duplicate refund webhook', async () => {
    const { order: o } = await storage.createOrder({ order: order(), reserve: [] })
    await storage.transitionOrder({ id: o.id, from: ['pending'], to: 'paid', now: 2_000 })
    const { refund: r } = await storage.createRefund({ refund: refund(o.id, 800) })
    const delivery = { provider: 'sandbox', eventId: `refund-${r.id}`, receivedAt: 4_000 }
    const first = await storage.settleRefund({ id: r.id, status: 'succeeded', delivery, now: 4_000 })
    const dup = await storage.settleRefund({ id: r.id, status: 'succeeded', delivery, now: 4_001 })
    expect(first).toMatchObject({
      changed: true,
      duplicate: false,
      order: { status: 'partially_refunded', refunded: 800 },
    })
    expect(dup).toMatchObject({ changed: false, duplicate: true, order: { refunded: 800 } })
  })
})

describe('rewards', () => {
  const reward = (orderId: string, amount: number): Reward => ({
    id: uid('rwd_'),
    sharerId: 'cus_sharer',
    orderId,
    kind: 'amount',
    amount,
    clawedBack: 0,
    currency: 'CNY',
    coupon: null,
    status: 'held',
    releaseAt: 10_000,
    createdAt: 2_000,
    updatedAt: 2_000,
  })

  it('keeps a sharer under the cap when referred orders are paid at the same moment', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        storage.createReward({ reward: reward(`ord_cap_${i}`, 400), capTotal: 1_000 }),
      ),
    )
    const amounts = results.filter((r) => r.created).map((r) => r.reward!.amount)
    expect(amounts.reduce((a, b) => a + b, 0)).toBe(1_000)
    expect(amounts.sort()).toEqual([200, 400, 400])
    expect(results.filter((r) => !r.created).every((r) => r.reward === null)).toBe(true)
    const again = await storage.createReward({ reward: reward('ord_cap_0', 400), capTotal: 1_000 })
    expect(again.created).toBe(false)
  })
})
