// Issue #9.10: refunds left pending by a failed or lost provider call are finished by reconciliation.
import { createLoop, isLoopError } from '@loopkit/core'
import { describe, expect, it, vi } from 'vitest'
import { duck, SECRET, testLoop } from './_setup.js'

const MINUTE = 60_000

/** A paid order whose refund call failed at the provider: the refund is left pending. */
async function stuckRefund(t: ReturnType<typeof testLoop>, amount = 1000) {
  await t.loop.catalog.put(duck)
  const buyer = await t.customer('b')
  const { order } = await t.loop.checkout({ customerId: buyer.id, lines: [{ skuId: 'duck', quantity: 1 }] })
  expect((await t.loop.fetch(await t.sandbox.pay({ orderNumber: order.number }))).status).toBe(204)
  t.sandbox.failNext({ operation: 'refund' })
  const error = await t.loop.refunds.create({ orderId: order.id, amount }).catch((e: unknown) => e)
  expect(isLoopError(error) && error.code).toBe('provider_unavailable')
  const [refund] = await t.loop.refunds.list({ orderId: order.id })
  expect(refund).toMatchObject({ status: 'pending', amount })
  return { order, refund: refund! }
}

describe('refund reconciliation (#9.10)', () => {
  it('#9.10 a refund whose provider call threw is sent again under the same number and settled', async () => {
    const t = testLoop({ onError: () => {} })
    const { order, refund } = await stuckRefund(t)
    expect(await t.loop.refunds.reconcile()).toMatchObject({ checked: 0 }) // still in flight, maybe
    t.clock.advance(MINUTE + 1)
    expect(await t.loop.refunds.reconcile()).toEqual({
      checked: 1,
      succeeded: 1,
      failed: 0,
      pending: 0,
      errors: 0,
    })
    expect((await t.loop.refunds.list({ orderId: order.id }))[0]).toMatchObject({
      id: refund.id,
      number: refund.number,
      status: 'succeeded',
    })
    expect(await t.loop.orders.get(order.id)).toMatchObject({ status: 'partially_refunded', refunded: 1000 })
  })

  it('#9.10 loop.orders.reconcile() includes the order’s pending refunds, without waiting', async () => {
    const t = testLoop()
    const { order } = await stuckRefund(t)
    expect(await t.loop.orders.reconcile({ orderId: order.id })).toMatchObject({
      status: 'partially_refunded',
      refunded: 1000,
    })
  })

  it('#9.10 loop.start() reconciles pending refunds in the background', async () => {
    const t = testLoop()
    const { order } = await stuckRefund(t)
    t.clock.advance(MINUTE + 1)
    t.loop.start({ intervalMs: 5 })
    try {
      await vi.waitFor(
        async () => expect((await t.loop.refunds.list({ orderId: order.id }))[0]?.status).toBe('succeeded'),
        { timeout: 5000, interval: 10 },
      )
    } finally {
      await t.loop.stop()
    }
  })

  it('#9.10 a provider call that never answers is abandoned at its deadline; the refund stays pending', async () => {
    const errors: unknown[] = []
    const t = testLoop({ refunds: { providerTimeoutMs: 20 }, onError: (e) => void errors.push(e) })
    const { order } = await stuckRefund(t)
    // The same sandbox, but its refund query hangs forever.
    t.sandbox.queryRefund = () => new Promise(() => {})
    t.clock.advance(MINUTE + 1)
    expect(await t.loop.refunds.reconcile()).toMatchObject({ checked: 1, errors: 1 })
    expect((await t.loop.refunds.list({ orderId: order.id }))[0]?.status).toBe('pending')
    expect(errors.some((e) => isLoopError(e) && e.code === 'provider_unavailable' && e.retryable)).toBe(true)
  })

  it('#9.10 instances sharing the storage check one refund once per retry window', async () => {
    const t = testLoop({ onError: () => {} })
    const { order } = await stuckRefund(t)
    const second = createLoop({
      secret: SECRET,
      baseUrl: 'http://shop.test/loop',
      storage: t.loop.storage,
      payments: [t.sandbox],
      now: t.clock.now,
      onError: () => {},
    })
    // The first check fails at the provider: the lease still holds the refund for the window.
    t.sandbox.failNext({ operation: 'queryRefund', times: 1 })
    t.clock.advance(MINUTE + 1)
    const [one, two] = await Promise.all([t.loop.refunds.reconcile(), second.refunds.reconcile()])
    expect(one.checked + two.checked).toBe(1)
    expect((await t.loop.refunds.list({ orderId: order.id }))[0]?.status).toBe('pending')
    t.clock.advance(MINUTE + 1)
    await second.refunds.reconcile()
    expect((await t.loop.refunds.list({ orderId: order.id }))[0]?.status).toBe('succeeded')
  })
})
