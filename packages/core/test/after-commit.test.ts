import { isLoopError, type LoopPlugin, loopError, type StorageAdapter } from '@loopkit/core'
import { memoryStorage } from '@loopkit/core/dev'
import { describe, expect, it } from 'vitest'
import { duck, testLoop } from './_setup.js'

/** Memory storage whose next `appendEvents` calls fail, like a full disk after the payment committed. */
function failingAfterCommit() {
  const storage = memoryStorage()
  let failures = 0
  const wrapped: StorageAdapter = {
    ...storage,
    async appendEvents(input) {
      if (failures > 0) {
        failures--
        throw loopError('memory-storage', 'storage_error', 'disk full')
      }
      return storage.appendEvents(input)
    },
  }
  return {
    storage: wrapped,
    failNext: (n: number) => {
      failures = n
    },
  }
}

describe('after-commit work never turns a committed payment into a failure', () => {
  it('a storage failure after markPaid: the webhook answers success, onError hears it, recover() finishes', async () => {
    const ran: string[] = []
    const crm: LoopPlugin = {
      id: 'crm',
      hooks: { orderPaid: [async ({ order }) => void ran.push(order.id)] },
    }
    const errors: Array<{ error: unknown; where: string }> = []
    const { storage, failNext } = failingAfterCommit()
    const t = testLoop({ storage, plugins: [crm], onError: (error, where) => errors.push({ error, where }) })
    await t.loop.catalog.put(duck)
    const c = await t.customer('ann')
    const { order } = await t.loop.checkout({ customerId: c.id, lines: [{ skuId: 'duck', quantity: 1 }] })

    failNext(1) // the `hooks.completed` bookkeeping write, after the paid transition committed
    const response = await t.loop.fetch(await t.sandbox.pay({ orderNumber: order.number }))
    expect(response.status).toBe(204)
    expect((await t.loop.orders.get(order.id))?.status).toBe('paid')
    expect(ran).toEqual([order.id])
    expect(errors).toHaveLength(1)
    expect(errors[0]!.where).toBe(`recording hooks.completed for order ${order.number}`)
    expect(isLoopError(errors[0]!.error) && errors[0]!.error.code).toBe('storage_error')
    expect(await t.loop.analytics.events({ types: ['hooks.completed'] })).toEqual([])
    // The paid message was committed with the payment and goes out regardless.
    expect(await t.loop.notify.dispatch()).toMatchObject({ sent: 1 })

    expect(await t.loop.recover()).toMatchObject({ rerun: 1 })
    expect(ran).toEqual([order.id, order.id])
    expect(await t.loop.analytics.events({ types: ['hooks.completed'] })).toHaveLength(1)
    expect(await t.loop.recover()).toMatchObject({ rerun: 0 })
  })

  it('a hook that throws is reported and the webhook still answers success', async () => {
    const broken: LoopPlugin = {
      id: 'broken',
      hooks: {
        orderPaid: [
          async () => {
            throw new Error('crm down')
          },
        ],
      },
    }
    const errors: string[] = []
    const t = testLoop({ plugins: [broken], onError: (_e, where) => errors.push(where) })
    await t.loop.catalog.put(duck)
    const c = await t.customer('bo')
    const { order } = await t.loop.checkout({ customerId: c.id, lines: [{ skuId: 'duck', quantity: 1 }] })
    const response = await t.loop.fetch(await t.sandbox.pay({ orderNumber: order.number }))
    expect(response.status).toBe(204)
    expect(errors).toEqual(['plugin broken orderPaid'])
  })
})

describe('order expiry racing a payment', () => {
  // Regression: `Order … is paid; it cannot become expired` reached onError although the outcome was right.
  it('does not report a payment that won the race at the deadline', async () => {
    const storage = memoryStorage()
    let stale: Awaited<ReturnType<StorageAdapter['listExpiredOrders']>> = []
    const errors: string[] = []
    const t = testLoop({
      storage: { ...storage, listExpiredOrders: async () => stale },
      orders: { ttlMs: 60_000 },
      onError: (_e, where) => errors.push(where),
    })
    await t.loop.catalog.put(duck)
    const c = await t.customer('cy')
    const { order } = await t.loop.checkout({ customerId: c.id, lines: [{ skuId: 'duck', quantity: 1 }] })
    t.clock.advance(60_000)
    // The expiry pass listed the order while it was pending; the webhook landed before it acted.
    stale = await storage.listExpiredOrders({ now: t.clock.now(), limit: 10 })
    expect(stale.map((o) => o.id)).toEqual([order.id])
    expect((await t.loop.fetch(await t.sandbox.pay({ orderNumber: order.number }))).status).toBe(204)
    expect(await t.loop.orders.expireDue()).toEqual({ expired: 0, paid: 1 })
    expect(errors).toEqual([])
    expect((await t.loop.orders.get(order.id))?.status).toBe('paid')
  })
})
