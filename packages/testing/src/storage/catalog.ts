import { describe, expect, it } from 'vitest'
import { expectLoopError, type SuiteContext, settle } from './context.js'
import { order, sku } from './fixtures.js'

export function catalogCases(ctx: SuiteContext): void {
  const stockOf = async (skuId: string) => (await ctx.storage.getSku({ id: skuId }))?.stock

  describe('catalog', () => {
    it('stores a SKU, and a second put updates its description but keeps its stock', async () => {
      const s = sku({ stock: 10 })
      expect(await ctx.storage.putSku({ sku: s })).toEqual(s)
      expect(await ctx.storage.getSku({ id: s.id })).toEqual(s)
      const replaced = { ...s, price: 9900, stock: 3, description: 'Now with more duck', active: false }
      expect(await ctx.storage.putSku({ sku: replaced })).toEqual({ ...replaced, stock: 10 })
      expect(await ctx.storage.getSku({ id: s.id })).toEqual({ ...replaced, stock: 10 })
    })

    it('#16.1 a boot-time put after a restart never hands back units pending orders hold', async () => {
      // The README's `catalog.put({ stock: 500 })` on every boot: 5 units held, then the same put.
      const s = sku({ stock: 500 })
      await ctx.storage.putSku({ sku: s })
      await ctx.storage.createOrder(order({ sku: s, quantity: 5 }))
      expect(await stockOf(s.id)).toBe(495)
      expect((await ctx.storage.putSku({ sku: s })).stock).toBe(495)
      expect(await stockOf(s.id)).toBe(495)
    })

    it('keeps untracked stock as null', async () => {
      const s = sku({ stock: null })
      await ctx.storage.putSku({ sku: s })
      expect((await ctx.storage.getSku({ id: s.id }))?.stock).toBeNull()
    })

    it('refuses a negative or fractional stock on put, changing nothing', async () => {
      const s = sku({ stock: 4 })
      await expectLoopError(ctx.storage.putSku({ sku: { ...s, stock: -1 } }), 'invalid_input')
      await expectLoopError(ctx.storage.putSku({ sku: { ...s, stock: 1.5 } }), 'invalid_input')
      expect(await ctx.storage.getSku({ id: s.id })).toBeNull()
    })

    it('returns null for an unknown SKU', async () => {
      expect(await ctx.storage.getSku({ id: 'sku_missing' })).toBeNull()
      expect(await ctx.storage.setStock({ id: 'sku_missing', stock: 3 })).toBeNull()
      expect(await ctx.storage.adjustStock({ id: 'sku_missing', delta: 3 })).toBeNull()
    })

    it('lists all SKUs or only active ones', async () => {
      const a = sku({ active: true })
      const b = sku({ active: false })
      await ctx.storage.putSku({ sku: a })
      await ctx.storage.putSku({ sku: b })
      const ids = (list: { id: string }[]) => list.map((s) => s.id).sort()
      expect(ids(await ctx.storage.listSkus({}))).toEqual([a.id, b.id].sort())
      expect(ids(await ctx.storage.listSkus({ activeOnly: true }))).toEqual([a.id])
    })

    it('never lets a caller mutate a stored SKU', async () => {
      const s = sku({ stock: 5 })
      await ctx.storage.putSku({ sku: s })
      s.stock = 999
      const got = await ctx.storage.getSku({ id: s.id })
      got!.stock = 1000
      expect((await ctx.storage.getSku({ id: s.id }))?.stock).toBe(5)
    })

    it('stores a per-customer limit and reads an unlimited SKU back without one', async () => {
      const limited = sku({ limitPerCustomer: 2 })
      const free = sku()
      await ctx.storage.putSku({ sku: limited })
      await ctx.storage.putSku({ sku: free })
      expect(await ctx.storage.getSku({ id: limited.id })).toEqual(limited)
      expect(await ctx.storage.getSku({ id: free.id })).toEqual(free)
      const { limitPerCustomer: _, ...unlimited } = limited
      expect(await ctx.storage.putSku({ sku: { ...limited, limitPerCustomer: null } })).toStrictEqual(
        unlimited,
      )
      await expectLoopError(ctx.storage.putSku({ sku: sku({ limitPerCustomer: 0 }) }), 'invalid_input')
    })
  })

  describe('#16.1 setStock and adjustStock', () => {
    it('setStock sets the available units (held units stay held) or stops tracking', async () => {
      const s = sku({ stock: 10 })
      await ctx.storage.putSku({ sku: s })
      await ctx.storage.createOrder(order({ sku: s, quantity: 4 }))
      expect(await ctx.storage.setStock({ id: s.id, stock: 20 })).toEqual({ ...s, stock: 20 })
      expect(await stockOf(s.id)).toBe(20)
      expect((await ctx.storage.setStock({ id: s.id, stock: null }))?.stock).toBeNull()
      await expectLoopError(ctx.storage.setStock({ id: s.id, stock: -1 }), 'invalid_input')
      await expectLoopError(ctx.storage.setStock({ id: s.id, stock: 2.5 }), 'invalid_input')
      expect(await stockOf(s.id)).toBeNull()
    })

    it('adjustStock adds and removes, refusing to go below 0 with nothing changed', async () => {
      const s = sku({ stock: 5 })
      await ctx.storage.putSku({ sku: s })
      expect((await ctx.storage.adjustStock({ id: s.id, delta: 7 }))?.stock).toBe(12)
      expect((await ctx.storage.adjustStock({ id: s.id, delta: -12 }))?.stock).toBe(0)
      await expectLoopError(ctx.storage.adjustStock({ id: s.id, delta: -1 }), 'out_of_stock')
      await expectLoopError(ctx.storage.adjustStock({ id: s.id, delta: 0.5 }), 'invalid_input')
      expect(await stockOf(s.id)).toBe(0)
      const untracked = sku({ stock: null })
      await ctx.storage.putSku({ sku: untracked })
      await expectLoopError(ctx.storage.adjustStock({ id: untracked.id, delta: 1 }), 'invalid_input')
      expect(await stockOf(untracked.id)).toBeNull()
    })

    it('concurrent adjustments all add up and never take stock below 0', async () => {
      const s = sku({ stock: 50 })
      await ctx.storage.putSku({ sku: s })
      const { values, errors } = await settle([
        ...Array.from({ length: 100 }, () => ctx.storage.adjustStock({ id: s.id, delta: -1 })),
        ...Array.from({ length: 20 }, () => ctx.storage.adjustStock({ id: s.id, delta: 1 })),
      ])
      const removed = values.length - 20
      expect(errors.length + removed).toBe(100)
      expect(await stockOf(s.id)).toBe(50 + 20 - removed)
      expect(await stockOf(s.id)).toBeGreaterThanOrEqual(0)
    })
  })
}
