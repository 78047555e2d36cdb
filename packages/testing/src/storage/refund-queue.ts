import { describe, expect, it } from 'vitest'
import type { SuiteContext } from './context.js'
import { order, payment, refund, sku, T0 } from './fixtures.js'

/** Issue #9.10: reconciliation lists pending refunds across orders. */
export function refundQueueCases(ctx: SuiteContext): void {
  const paidOrder = async () => {
    const s = sku({ stock: 10, price: 1000 })
    await ctx.storage.putSku({ sku: s })
    const o = order({ sku: s })
    await ctx.storage.createOrder(o)
    return (
      await ctx.storage.markPaid({
        orderId: o.order.id,
        delivery: null,
        payment: payment(o.order),
        now: T0 + 1000,
      })
    ).order!
  }

  describe('pending refunds (#9.10)', () => {
    it('#9.10 lists refunds by status across orders, oldest first, within updatedBefore and limit', async () => {
      const a = await paidOrder()
      const b = await paidOrder()
      const old = refund(a, 100, { createdAt: T0 + 10, updatedAt: T0 + 10 })
      const newer = refund(b, 100, { createdAt: T0 + 20, updatedAt: T0 + 20 })
      const done = refund(b, 100, { createdAt: T0 + 5, updatedAt: T0 + 5 })
      for (const r of [newer, old, done]) await ctx.storage.createRefund({ refund: r })
      await ctx.storage.settleRefund({ id: done.id, status: 'succeeded', now: T0 + 30 })

      const ids = (list: { id: string }[]) => list.map((r) => r.id)
      expect(ids(await ctx.storage.listRefunds({ status: 'pending' }))).toEqual([old.id, newer.id])
      expect(ids(await ctx.storage.listRefunds({ status: 'pending', updatedBefore: T0 + 15 }))).toEqual([
        old.id,
      ])
      expect(ids(await ctx.storage.listRefunds({ status: 'pending', limit: 1 }))).toEqual([old.id])
      expect(ids(await ctx.storage.listRefunds({ status: 'succeeded' }))).toEqual([done.id])
      expect(ids(await ctx.storage.listRefunds({ orderId: b.id, status: 'pending' }))).toEqual([newer.id])
      expect(ids(await ctx.storage.listRefunds({ orderId: b.id }))).toEqual([done.id, newer.id])
    })
  })
}
