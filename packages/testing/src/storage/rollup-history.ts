import type { NewEvent, Order, Share, StorageAdapter } from '@loopkit/core'
import { event, id, order, payment, refund, share, sku } from './fixtures.js'

const DAY = 86_400_000
/** 2025-12-31T12:00Z: the history starts just before a month and a year turn over in every zone. */
const START = Date.UTC(2025, 11, 31, 12)

/** A small deterministic PRNG (mulberry32), so every adapter is seeded with the same history. */
function prng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** What the history should add up to, computed from the plan (not from any adapter). */
export interface HistoryExpectations {
  loggedIn: number
  checkedOut: number
  paid: number
  /** Net revenue per day (in the zone), refunds taken back on the day paid. */
  revenueByDay: Map<string, number>
  /** Distinct friends who bought, per sharer. */
  friendsBySharer: Map<string, number>
  /** Paid orders per sharer. */
  ordersBySharer: Map<string, number>
  cohorts: Map<string, { buyers: number; repeaters: number; secondOrderMs: number }>
  /** Events whose day differs between UTC and the zone (the test is meaningless without some). */
  zoneSensitive: number
}

/**
 * Seeds a history of `customers` customers over four months through the public contract (orders,
 * payments, partial refunds, shares, visits, attributed friend orders, repeated logins) and returns
 * what analytics over it must report in `zone`.
 */
export async function seedHistory(
  storage: StorageAdapter,
  input: { customers: number; zone: string },
): Promise<HistoryExpectations> {
  const rand = prng(15)
  const dayOf = (at: number, zone: string) =>
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(at)
  const duck = await storage.putSku({ sku: sku({ stock: null, price: 8800 }) })
  const x: HistoryExpectations = {
    loggedIn: 0,
    checkedOut: 0,
    paid: 0,
    revenueByDay: new Map(),
    friendsBySharer: new Map(),
    ordersBySharer: new Map(),
    cohorts: new Map(),
    zoneSensitive: 0,
  }
  const customers = Array.from({ length: input.customers }, () => id('cus'))
  const shares: Share[] = []
  const paidAt = new Map<string, number[]>()
  const friends = new Map<string, Set<string>>()
  const checkedOut = new Set<string>()
  const buyers = new Set<string>()
  const add = <K>(m: Map<K, number>, k: K, v: number) => m.set(k, (m.get(k) ?? 0) + v)
  const at = () => START + Math.floor(rand() * 120 * DAY)

  const work: Array<() => Promise<unknown>> = []
  for (const c of customers) {
    const logins: NewEvent[] = Array.from({ length: 1 + Math.floor(rand() * 5) }, () =>
      event({ type: 'customer.logged_in', at: at(), customerId: c, data: { provider: 'sandbox' } }),
    )
    work.push(() => storage.appendEvents({ events: logins }))
    if (rand() < 0.3) {
      const s = share({ customerId: c, createdAt: at(), skuId: duck.id })
      shares.push(s)
      const created = event({
        type: 'share.created',
        at: s.createdAt,
        customerId: c,
        data: { shareId: s.id, skuId: duck.id, channel: s.channel },
      })
      work.push(() => storage.createShare({ share: s, effects: { events: [created] } }))
    }
  }
  x.loggedIn = customers.length
  for (const c of customers) {
    const orders = Math.floor(rand() * 3.2)
    for (let n = 0; n < orders; n++) {
      const via = shares.length && rand() < 0.35 ? shares[Math.floor(rand() * shares.length)]! : null
      const created = at()
      const { order: o, reserve } = order({
        customerId: c,
        sku: duck,
        quantity: 1 + Math.floor(rand() * 2),
        createdAt: created,
      })
      const attributed: Order =
        via && via.customerId !== c
          ? { ...o, attribution: { shareId: via.id, sharerId: via.customerId, visitedAt: created } }
          : o
      checkedOut.add(c)
      const evCreated = event({ type: 'order.created', at: created, customerId: c, orderId: o.id, data: {} })
      const pays = rand() < 0.85
      const paid = created + Math.floor(rand() * 3 * 3_600_000)
      const refundAmount = pays && rand() < 0.12 ? 1 + Math.floor(rand() * attributed.total) : 0
      if (pays) {
        buyers.add(c)
        paidAt.set(c, [...(paidAt.get(c) ?? []), paid])
        add(x.revenueByDay, dayOf(paid, input.zone), attributed.total - refundAmount)
        if (dayOf(paid, input.zone) !== dayOf(paid, 'UTC')) x.zoneSensitive++
        if (attributed.attribution?.sharerId) {
          const sharer = attributed.attribution.sharerId
          add(x.ordersBySharer, sharer, 1)
          friends.set(sharer, (friends.get(sharer) ?? new Set()).add(c))
        }
      }
      work.push(async () => {
        await storage.createOrder({ order: attributed, reserve, effects: { events: [evCreated] } })
        if (attributed.attribution) {
          const v = event({
            type: 'share.visited',
            at: created - 60_000,
            customerId: null,
            data: {
              shareId: attributed.attribution.shareId,
              sharerId: attributed.attribution.sharerId,
              visitor: `b-${c}`,
            },
          })
          await storage.appendEvents({ events: [v] })
        }
        if (!pays) return
        const evPaid = event({
          type: 'order.paid',
          at: paid,
          customerId: c,
          orderId: o.id,
          data: { total: attributed.total, currency: 'CNY', attribution: attributed.attribution },
        })
        await storage.markPaid({
          orderId: o.id,
          delivery: null,
          payment: payment(attributed),
          now: paid,
          effects: { events: [evPaid] },
        })
        if (!refundAmount) return
        const r = refund(attributed, refundAmount)
        const later = paid + Math.floor(rand() * 40 * DAY)
        await storage.createRefund({ refund: r })
        const evRefunded = event({
          type: 'order.refunded',
          at: later,
          customerId: c,
          orderId: o.id,
          data: { number: r.number, amount: refundAmount, currency: 'CNY' },
        })
        await storage.settleRefund({
          id: r.id,
          status: 'succeeded',
          now: later,
          effects: { events: [evRefunded] },
        })
      })
    }
  }
  x.checkedOut = checkedOut.size
  x.paid = buyers.size
  for (const [sharer, set] of friends) x.friendsBySharer.set(sharer, set.size)
  for (let i = 0; i < work.length; i += 50) await Promise.all(work.slice(i, i + 50).map((w) => w()))
  for (const times of paidAt.values()) {
    const [first, second] = [...times].sort((a, b) => a - b)
    const month = dayOf(first!, input.zone).slice(0, 7)
    const cohort = x.cohorts.get(month) ?? { buyers: 0, repeaters: 0, secondOrderMs: 0 }
    cohort.buyers++
    if (second !== undefined) {
      cohort.repeaters++
      cohort.secondOrderMs += second - first!
    }
    x.cohorts.set(month, cohort)
  }
  return x
}
