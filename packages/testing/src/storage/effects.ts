import { describe, expect, it } from 'vitest'
import { type SuiteContext, written } from './context.js'
import { event, notification, order, sku, T0 } from './fixtures.js'

export function effectsCases(ctx: SuiteContext): void {
  describe('effects', () => {
    it('skips an outbox row whose dedupe key exists and still applies the change', async () => {
      const s = sku()
      await ctx.storage.putSku({ sku: s })
      const existing = notification({ dedupeKey: 'order.paid:ord_1:console' })
      await ctx.storage.enqueueNotifications({ notifications: [existing], now: T0 })
      const o = order({ sku: s })
      const e = event()
      const r = await ctx.storage.createOrder({
        ...o,
        effects: {
          events: [e],
          outbox: [notification({ dedupeKey: existing.dedupeKey }), notification({ dedupeKey: 'fresh' })],
        },
      })
      expect(r.created).toBe(true)
      expect((await written(ctx.storage)).outbox.sort()).toEqual([existing.dedupeKey, 'fresh'].sort())
      expect((await ctx.storage.listEvents({ limit: 10 })).map((x) => x.id)).toEqual([e.id])
      const [row] = await ctx.storage.listNotifications({ customerId: existing.customerId, limit: 10 })
      expect(row?.id).toBe(existing.id)
    })

    it('stores an outbox message field for field', async () => {
      const n = notification({
        message: {
          topic: 'order.paid',
          title: '支付成功',
          body: 'Your 🦆 ships today',
          url: 'https://shop.example/o/1',
          fields: { amount: '88.00', thing1: '盐水鸭' },
        },
      })
      await ctx.storage.enqueueNotifications({ notifications: [n], now: T0 })
      const [row] = await ctx.storage.listNotifications({ limit: 1 })
      expect(row?.message).toEqual(n.message)
    })
  })
}
