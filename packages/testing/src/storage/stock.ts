import { isLoopError } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { type SuiteContext, settle } from './context.js'
import { order, sku, T0 } from './fixtures.js'

export function stockCases(ctx: SuiteContext): void {
  const stockOf = async (skuId: string) => (await ctx.storage.getSku({ id: skuId }))?.stock

  describe('stock under concurrency', () => {
    it('sells exactly 100 of 100 units to 1,000 concurrent buyers', async () => {
      const s = sku({ stock: 100 })
      await ctx.storage.putSku({ sku: s })
      const { values, errors } = await settle(
        Array.from({ length: 1000 }, (_, i) =>
          ctx.storage.createOrder(order({ sku: s, customerId: `cus_${i}` })),
        ),
      )
      expect(values.filter((r) => r.created)).toHaveLength(100)
      expect(errors).toHaveLength(900)
      for (const e of errors) {
        expect(isLoopError(e) && e.code === 'out_of_stock', `unexpected rejection: ${String(e)}`).toBe(true)
      }
      expect(await stockOf(s.id)).toBe(0)
      expect(await ctx.storage.listOrders({ limit: 2000 })).toHaveLength(100)
    })

    it('never oversells mixed quantities and multi-SKU orders', async () => {
      const a = sku({ stock: 50 })
      const b = sku({ stock: 30 })
      await ctx.storage.putSku({ sku: a })
      await ctx.storage.putSku({ sku: b })
      const attempts = Array.from({ length: 200 }, (_, i) => {
        const qa = (i % 3) + 1
        const qb = i % 2
        const o = order({ sku: a, quantity: qa })
        const reserve = [{ skuId: a.id, quantity: qa }]
        if (qb > 0) {
          o.order.lines.push({ skuId: b.id, title: b.title, quantity: qb, unitPrice: b.price })
          reserve.push({ skuId: b.id, quantity: qb })
        }
        return ctx.storage.createOrder({ order: o.order, reserve })
      })
      const { values } = await settle(attempts)
      const soldA = values.reduce(
        (n, r) => n + r.order.lines.filter((l) => l.skuId === a.id).reduce((m, l) => m + l.quantity, 0),
        0,
      )
      const soldB = values.reduce(
        (n, r) => n + r.order.lines.filter((l) => l.skuId === b.id).reduce((m, l) => m + l.quantity, 0),
        0,
      )
      const stockA = (await stockOf(a.id))!
      const stockB = (await stockOf(b.id))!
      expect(stockA).toBeGreaterThanOrEqual(0)
      expect(stockB).toBeGreaterThanOrEqual(0)
      expect(stockA + soldA).toBe(50)
      expect(stockB + soldB).toBe(30)
    })

    it('keeps stock + held = initial while orders are created and released concurrently', async () => {
      const s = sku({ stock: 20 })
      await ctx.storage.putSku({ sku: s })
      const first = await settle(Array.from({ length: 30 }, () => ctx.storage.createOrder(order({ sku: s }))))
      const created = first.values.map((r) => r.order)
      expect(created).toHaveLength(20)
      // Release half while 30 more buyers arrive: released units may be resold, never twice.
      const releases = created.slice(0, 10).map((o) =>
        ctx.storage.transitionOrder({
          id: o.id,
          from: ['pending'],
          to: 'cancelled',
          releaseStock: true,
          now: T0 + 1,
        }),
      )
      const buys = Array.from({ length: 30 }, () => ctx.storage.createOrder(order({ sku: s })))
      await settle<unknown>([...releases, ...buys])
      const pending = await ctx.storage.listOrders({ status: 'pending', limit: 1000 })
      const held = pending.reduce((n, o) => n + o.lines[0]!.quantity, 0)
      const left = (await stockOf(s.id))!
      expect(left).toBeGreaterThanOrEqual(0)
      expect(left + held).toBe(20)
    })
  })
}
