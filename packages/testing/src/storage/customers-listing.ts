import type { StorageAdapter } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import type { SuiteContext } from './context.js'
import { profile, T0 } from './fixtures.js'

/** Pages through `listCustomers` to the end, returning every id in the order served. */
export async function pageAll(
  storage: StorageAdapter,
  input: Omit<Parameters<StorageAdapter['listCustomers']>[0], 'after'>,
): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = []
  let after: string | null = null
  let pages = 0
  for (;;) {
    const page: Awaited<ReturnType<StorageAdapter['listCustomers']>> = await storage.listCustomers({
      ...input,
      after,
    })
    pages += 1
    ids.push(...page.customers.map((c) => c.id))
    if (page.next === null) return { ids, pages }
    expect(page.customers.length, 'a page with a next cursor is full').toBe(input.limit)
    expect(page.next).toBe(page.customers.at(-1)!.id)
    after = page.next
  }
}

export function customerListingCases(ctx: SuiteContext): void {
  describe('customer listing', () => {
    // Ids made by the loop are time-ordered; these stand in for them.
    const make = async (n: number, start = 0) => {
      const ids: string[] = []
      for (let i = start; i < start + n; i++) {
        const cid = `cus_${String(i).padStart(4, '0')}`
        await ctx.storage.upsertCustomer({ id: cid, profile: profile(), now: T0 + i })
        ids.push(cid)
      }
      return ids
    }

    it('pages every customer once, in id order, and ends with next: null', async () => {
      const ids = await make(7)
      const { ids: seen, pages } = await pageAll(ctx.storage, { limit: 3 })
      expect(seen).toEqual(ids)
      expect(pages).toBe(3)
      expect(await ctx.storage.countCustomers({})).toEqual({ count: 7 })
    })

    it('gives next: null on a last page that is exactly full', async () => {
      const ids = await make(4)
      const first = await ctx.storage.listCustomers({ limit: 2 })
      expect(first.customers.map((c) => c.id)).toEqual(ids.slice(0, 2))
      const second = await ctx.storage.listCustomers({ limit: 2, after: first.next })
      expect(second.customers.map((c) => c.id)).toEqual(ids.slice(2))
      expect(second.next).toBeNull()
    })

    it('returns whole customers, as getCustomer does', async () => {
      const [cid] = await make(1)
      await ctx.storage.updateCustomer({ id: cid!, addTags: ['vip'], timeZone: 'Asia/Shanghai', now: T0 + 9 })
      const { customers } = await ctx.storage.listCustomers({ limit: 10 })
      expect(customers).toEqual([await ctx.storage.getCustomer({ id: cid! })])
    })

    it('keeps paging stable when customers are created mid-way: nobody twice, nobody lost', async () => {
      const ids = await make(6)
      const first = await ctx.storage.listCustomers({ limit: 4 })
      const late = await make(2, 100)
      const rest = await pageAll(ctx.storage, { limit: 4 })
      const second = await ctx.storage.listCustomers({ limit: 4, after: first.next })
      const served = [...first.customers, ...second.customers].map((c) => c.id)
      expect(served).toEqual([...ids, ...late])
      expect(new Set(served).size).toBe(served.length)
      expect(rest.ids).toEqual([...ids, ...late])
    })

    it('answers an empty page for a cursor past the end, and resumes after an unknown cursor', async () => {
      const ids = await make(3)
      expect(await ctx.storage.listCustomers({ limit: 5, after: 'cus_9999' })).toEqual({
        customers: [],
        next: null,
      })
      const mid = await ctx.storage.listCustomers({ limit: 5, after: 'cus_0000x' })
      expect(mid.customers.map((c) => c.id)).toEqual(ids.slice(1))
    })

    it('lists nobody in an empty pool', async () => {
      expect(await ctx.storage.listCustomers({ limit: 10 })).toEqual({ customers: [], next: null })
      expect(await ctx.storage.countCustomers({ where: { tag: 'vip' } })).toEqual({ count: 0 })
    })
  })
}
