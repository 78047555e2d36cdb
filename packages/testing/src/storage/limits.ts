import { isLoopError, type Order } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { expectLoopError, type SuiteContext, settle, written } from './context.js'
import { event, order, sku, T0 } from './fixtures.js'

export function limitCases(ctx: SuiteContext): void {
  const stockOf = async (skuId: string) => (await ctx.storage.getSku({ id: skuId }))?.stock

  describe('per-customer purchase limits', () => {
    it('refuses the order that would pass the limit with limit_exceeded, writing nothing', async () => {
      const s = sku({ stock: 10, limitPerCustomer: 2 })
      await ctx.storage.putSku({ sku: s })
      await ctx.storage.createOrder(order({ sku: s, customerId: 'cus_a', quantity: 1 }))
      const tooMany = order({ sku: s, customerId: 'cus_a', quantity: 2 })
      await expectLoopError(
        ctx.storage.createOrder({ ...tooMany, effects: { events: [event()] } }),
        'limit_exceeded',
      )
      expect(await ctx.storage.getOrder({ id: tooMany.order.id })).toBeNull()
      expect(await stockOf(s.id)).toBe(9)
      expect((await written(ctx.storage)).events).toEqual([])
      // One more fits; another customer has their own allowance; one order alone can pass it too.
      await ctx.storage.createOrder(order({ sku: s, customerId: 'cus_a', quantity: 1 }))
      await ctx.storage.createOrder(order({ sku: s, customerId: 'cus_b', quantity: 2 }))
      await expectLoopError(
        ctx.storage.createOrder(order({ sku: s, customerId: 'cus_c', quantity: 3 })),
        'limit_exceeded',
      )
      expect(await stockOf(s.id)).toBe(6)
    })

    it('counts pending, paid, fulfilled and partially refunded orders; expired, cancelled and refunded ones free the allowance', async () => {
      const s = sku({ stock: null, limitPerCustomer: 1 })
      await ctx.storage.putSku({ sku: s })
      const buy = async () => (await ctx.storage.createOrder(order({ sku: s, customerId: 'cus_a' }))).order
      const move = (o: Order, from: Order['status'], to: Order['status']) =>
        ctx.storage.transitionOrder({ id: o.id, from: [from], to, releaseStock: true, now: T0 + 1 })

      for (const end of ['expired', 'cancelled'] as const) {
        const o = await buy()
        await expectLoopError(buy(), 'limit_exceeded')
        await move(o, 'pending', end)
      }
      const paid = await buy()
      await move(paid, 'pending', 'paid')
      await expectLoopError(buy(), 'limit_exceeded')
      await move(paid, 'paid', 'fulfilled')
      await expectLoopError(buy(), 'limit_exceeded')
      await move(paid, 'fulfilled', 'partially_refunded')
      await expectLoopError(buy(), 'limit_exceeded')
      await move(paid, 'partially_refunded', 'refunded')
      expect((await buy()).status).toBe('pending')
    })

    it('an idempotent replay of an order within the limit returns it, not limit_exceeded', async () => {
      const s = sku({ stock: 5, limitPerCustomer: 1 })
      await ctx.storage.putSku({ sku: s })
      const first = order({ sku: s, customerId: 'cus_a', idempotencyKey: 'idem-limit-1' })
      await ctx.storage.createOrder(first)
      const again = await ctx.storage.createOrder({
        ...order({ sku: s, customerId: 'cus_a', idempotencyKey: 'idem-limit-1' }),
      })
      expect(again).toEqual({ order: first.order, created: false })
      expect(await stockOf(s.id)).toBe(4)
    })

    it('1,000 concurrent checkouts by 100 customers with limit 1: at most one order each, stock exact', async () => {
      const s = sku({ stock: 150, limitPerCustomer: 1 })
      const free = sku({ stock: 150 })
      await ctx.storage.putSku({ sku: s })
      await ctx.storage.putSku({ sku: free })
      const { values, errors } = await settle(
        Array.from({ length: 1000 }, (_, i) =>
          ctx.storage.createOrder(order({ sku: s, customerId: `cus_${i % 100}` })),
        ),
      )
      for (const e of errors) {
        expect(isLoopError(e) && e.code === 'limit_exceeded', `unexpected rejection: ${String(e)}`).toBe(true)
      }
      const orders = await ctx.storage.listOrders({ limit: 2000 })
      expect(values).toHaveLength(100)
      expect(orders).toHaveLength(100)
      expect(new Set(orders.map((o) => o.customerId)).size).toBe(100)
      expect(await stockOf(s.id)).toBe(50)

      // Expired orders free the allowance: each customer may buy once more, still once only.
      await settle(
        orders.map((o) =>
          ctx.storage.transitionOrder({
            id: o.id,
            from: ['pending'],
            to: 'expired',
            releaseStock: true,
            now: T0 + 1,
          }),
        ),
      )
      expect(await stockOf(s.id)).toBe(150)
      const second = await settle(
        Array.from({ length: 300 }, (_, i) =>
          ctx.storage.createOrder(order({ sku: s, customerId: `cus_${i % 100}` })),
        ),
      )
      expect(second.values).toHaveLength(100)
      expect(await ctx.storage.listOrders({ status: 'pending', limit: 2000 })).toHaveLength(100)
      expect(await stockOf(s.id)).toBe(50)
      // An unlimited SKU next to it is untouched by any of this.
      expect(await stockOf(free.id)).toBe(150)
    })

    // Adapters lock SKUs in id order; the limited SKU comes first in one case and last in the other.
    it.each([
      ['first', 'sku_limit_a', 'sku_limit_b'],
      ['last', 'sku_limit_z', 'sku_limit_b'],
    ])('limits each SKU of a multi-SKU order on its own (limited SKU %s)', async (_, limitedId, freeId) => {
      const a = sku({ id: limitedId, stock: 10, limitPerCustomer: 1 })
      const b = sku({ id: freeId, stock: 10 })
      await ctx.storage.putSku({ sku: a })
      await ctx.storage.putSku({ sku: b })
      const both = (qa: number, qb: number) => {
        const o = order({ sku: b, customerId: 'cus_a', quantity: qb })
        o.order.lines.push({ skuId: a.id, title: a.title, quantity: qa, unitPrice: a.price })
        return ctx.storage.createOrder({
          order: o.order,
          reserve: [...o.reserve, { skuId: a.id, quantity: qa }],
        })
      }
      await both(1, 3)
      await expectLoopError(both(1, 1), 'limit_exceeded')
      expect(await stockOf(a.id)).toBe(9)
      expect(await stockOf(b.id)).toBe(7)
    })
  })
}
