import { describe, expect, it } from 'vitest'
import type { SuiteContext } from './context.js'
import { sku } from './fixtures.js'

export function catalogCases(ctx: SuiteContext): void {
  describe('catalog', () => {
    it('stores a SKU and replaces it, stock included', async () => {
      const s = sku({ stock: 10 })
      expect(await ctx.storage.putSku({ sku: s })).toEqual(s)
      expect(await ctx.storage.getSku({ id: s.id })).toEqual(s)
      const replaced = { ...s, price: 9900, stock: 3, description: 'Now with more duck' }
      await ctx.storage.putSku({ sku: replaced })
      expect(await ctx.storage.getSku({ id: s.id })).toEqual(replaced)
    })

    it('keeps untracked stock as null', async () => {
      const s = sku({ stock: null })
      await ctx.storage.putSku({ sku: s })
      expect((await ctx.storage.getSku({ id: s.id }))?.stock).toBeNull()
    })

    it('returns null for an unknown SKU', async () => {
      expect(await ctx.storage.getSku({ id: 'sku_missing' })).toBeNull()
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
  })
}
