import { describe, expect, it } from 'vitest'
import type { SuiteContext } from './context.js'
import { event, order, sku, T0 } from './fixtures.js'

export function eventCases(ctx: SuiteContext): void {
  describe('event log', () => {
    it('appends events with strictly increasing seq and lists them oldest first', async () => {
      const a = event({ type: 'a' })
      const b = event({ type: 'b', customerId: 'cus_1' })
      const c = event({ type: 'c', orderId: 'ord_1', data: { nested: { ok: true }, list: [1, 2] } })
      await ctx.storage.appendEvents({ events: [a, b] })
      await ctx.storage.appendEvents({ events: [c] })
      const all = await ctx.storage.listEvents({ limit: 10 })
      expect(all.map((e) => e.id)).toEqual([a.id, b.id, c.id])
      expect(all[0]!.seq).toBeLessThan(all[1]!.seq)
      expect(all[1]!.seq).toBeLessThan(all[2]!.seq)
      expect(all[2]).toEqual({ ...c, seq: all[2]!.seq })
    })

    it('filters by position, type, customer and order, and honours the limit', async () => {
      const events = [
        event({ type: 'order.paid', customerId: 'cus_1', orderId: 'ord_1' }),
        event({ type: 'share.visited', customerId: 'cus_2' }),
        event({ type: 'order.paid', customerId: 'cus_2', orderId: 'ord_2' }),
        event({ type: 'order.refunded', customerId: 'cus_1', orderId: 'ord_1' }),
      ]
      await ctx.storage.appendEvents({ events })
      const all = await ctx.storage.listEvents({ limit: 10 })
      const ids = (list: { id: string }[]) => list.map((e) => e.id)
      expect(ids(await ctx.storage.listEvents({ after: all[1]!.seq, limit: 10 }))).toEqual(
        ids(events.slice(2)),
      )
      expect(
        ids(await ctx.storage.listEvents({ types: ['order.paid', 'order.refunded'], limit: 10 })),
      ).toEqual(ids([events[0]!, events[2]!, events[3]!]))
      expect(ids(await ctx.storage.listEvents({ customerId: 'cus_2', limit: 10 }))).toEqual(
        ids([events[1]!, events[2]!]),
      )
      expect(ids(await ctx.storage.listEvents({ orderId: 'ord_1', limit: 10 }))).toEqual(
        ids([events[0]!, events[3]!]),
      )
      expect(ids(await ctx.storage.listEvents({ limit: 2 }))).toEqual(ids(events.slice(0, 2)))
      expect(ids(await ctx.storage.listEvents({ after: all[3]!.seq, limit: 10 }))).toEqual([])
    })

    it('orders effects events in the same sequence as appended ones', async () => {
      const s = sku()
      await ctx.storage.putSku({ sku: s })
      const before = event()
      await ctx.storage.appendEvents({ events: [before] })
      const fromOrder = event({ type: 'order.created' })
      await ctx.storage.createOrder({ ...order({ sku: s }), effects: { events: [fromOrder] } })
      const after = event()
      await ctx.storage.appendEvents({ events: [after] })
      expect((await ctx.storage.listEvents({ limit: 10 })).map((e) => e.id)).toEqual([
        before.id,
        fromOrder.id,
        after.id,
      ])
    })

    it('gives concurrent appends distinct, increasing positions so a reader never skips one', async () => {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          ctx.storage.appendEvents({ events: [event({ at: T0 + i }), event({ at: T0 + i })] }),
        ),
      )
      const all = await ctx.storage.listEvents({ limit: 1000 })
      expect(all).toHaveLength(100)
      expect(new Set(all.map((e) => e.seq)).size).toBe(100)
      for (let i = 1; i < all.length; i++) expect(all[i]!.seq).toBeGreaterThan(all[i - 1]!.seq)
      // Paging by `after` visits every event exactly once.
      const seen: string[] = []
      let after = 0
      for (let pages = 0; pages < 100; pages++) {
        const page = await ctx.storage.listEvents({ after, limit: 7 })
        if (page.length === 0) break
        seen.push(...page.map((e) => e.id))
        after = page[page.length - 1]!.seq
      }
      expect(seen).toEqual(all.map((e) => e.id))
    })
  })
}
