import { isLoopError } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { duck, testLoop } from './_setup.js'

describe('checkout', () => {
  it('1,000 concurrent checkouts for 100 units create exactly 100 orders and stock never goes below zero', async () => {
    const { loop, customer } = testLoop()
    await loop.catalog.put({ ...duck, stock: 100 })
    const buyers = await Promise.all(Array.from({ length: 50 }, (_, i) => customer(`buyer${i}`)))
    const results = await Promise.allSettled(
      Array.from({ length: 1000 }, (_, i) =>
        loop.checkout({ customerId: buyers[i % 50]!.id, lines: [{ skuId: 'duck', quantity: 1 }] }),
      ),
    )
    const created = results.filter((r) => r.status === 'fulfilled')
    const refused = results.filter((r) => r.status === 'rejected')
    expect(created).toHaveLength(100)
    expect(refused.every((r) => isLoopError(r.reason) && r.reason.code === 'out_of_stock')).toBe(true)
    expect((await loop.catalog.get('duck'))?.stock).toBe(0)
    expect(await loop.orders.list({ limit: 1000 })).toHaveLength(100)
  })

  it('the same idempotency key returns the same order and reserves once', async () => {
    const { loop, customer } = testLoop()
    await loop.catalog.put(duck)
    const c = await customer('ann')
    const input = {
      customerId: c.id,
      lines: [{ skuId: 'duck', quantity: 3 }],
      idempotencyKey: 'cart-0001-ann',
    }
    const [x, y] = await Promise.all([loop.checkout(input), loop.checkout(input)])
    expect(x.order.id).toBe(y.order.id)
    expect([x.created, y.created].sort()).toEqual([false, true])
    expect((await loop.catalog.get('duck'))?.stock).toBe(97)
  })

  it('prices from the catalogue in integer minor units, merging repeated lines', async () => {
    const { loop, customer } = testLoop()
    await loop.catalog.put(duck)
    await loop.catalog.put({ ...duck, id: 'banya', title: '板鸭', price: 12_050, stock: null })
    const c = await customer('ben')
    const { order } = await loop.checkout({
      customerId: c.id,
      lines: [
        { skuId: 'duck', quantity: 1 },
        { skuId: 'banya', quantity: 2 },
        { skuId: 'duck', quantity: 1 },
      ],
    })
    expect(order.total).toBe(2 * 8800 + 2 * 12_050)
    expect(order.number).toMatch(/^[0-9A-Za-z_\-|*]{6,32}$/)
    expect(order.lines.map((l) => [l.skuId, l.quantity])).toEqual([
      ['duck', 2],
      ['banya', 2],
    ])
  })

  it('refuses bad input with invalid_input and changes nothing', async () => {
    const { loop, customer } = testLoop()
    await loop.catalog.put(duck)
    const c = await customer('cy')
    for (const bad of [
      { customerId: c.id, lines: [] },
      { customerId: c.id, lines: [{ skuId: 'duck', quantity: 0 }] },
      { customerId: c.id, lines: [{ skuId: 'duck', quantity: 1.5 }] },
      { customerId: c.id, lines: [{ skuId: 'duck', quantity: -1 }] },
      { customerId: c.id, lines: [{ skuId: 'duck', quantity: 1, price: 1 }] },
      { customerId: c.id, lines: [{ skuId: 'duck', quantity: 1 }], provider: 'nope' },
    ]) {
      await expect(loop.checkout(bad)).rejects.toMatchObject({ name: 'LoopError', code: 'invalid_input' })
    }
    await expect(
      loop.checkout({ customerId: c.id, lines: [{ skuId: 'ghost', quantity: 1 }] }),
    ).rejects.toMatchObject({ code: 'not_found' })
    await expect(
      loop.checkout({ customerId: 'cus_nobody', lines: [{ skuId: 'duck', quantity: 1 }] }),
    ).rejects.toMatchObject({ code: 'unauthorized' })
    expect((await loop.catalog.get('duck'))?.stock).toBe(100)
    expect(await loop.orders.list()).toHaveLength(0)
  })

  it('an unpaid order expires after its time and releases its stock; a payment found by query is applied instead', async () => {
    const { loop, customer, clock, sandbox } = testLoop({ orders: { ttlMs: 60_000 } })
    await loop.catalog.put(duck)
    const c = await customer('dee')
    const unpaid = await loop.checkout({ customerId: c.id, lines: [{ skuId: 'duck', quantity: 5 }] })
    const paidNoWebhook = await loop.checkout({ customerId: c.id, lines: [{ skuId: 'duck', quantity: 1 }] })
    await sandbox.pay({ orderNumber: paidNoWebhook.order.number }) // the webhook is lost
    expect((await loop.catalog.get('duck'))?.stock).toBe(94)
    expect(await loop.orders.expireDue()).toEqual({ expired: 0, paid: 0 })
    clock.advance(60_001)
    expect(await loop.orders.expireDue()).toEqual({ expired: 1, paid: 1 })
    expect((await loop.orders.get(unpaid.order.id))?.status).toBe('expired')
    expect((await loop.orders.get(paidNoWebhook.order.id))?.status).toBe('paid')
    expect((await loop.catalog.get('duck'))?.stock).toBe(99)
    expect((await sandbox.queryPayment({ orderNumber: unpaid.order.number }))?.status).toBe('closed')
  })

  it('beforeCheckout hooks can refuse a checkout', async () => {
    const { loop, customer } = testLoop({
      plugins: [
        {
          id: 'vip',
          hooks: {
            beforeCheckout: [
              ({ customer: c }) => {
                if (!c.tags.includes('vip'))
                  throw Object.assign(new Error('vip only'), { name: 'LoopError', code: 'forbidden' })
              },
            ],
          },
        },
      ],
    })
    await loop.catalog.put(duck)
    const c = await customer('eve')
    await expect(
      loop.checkout({ customerId: c.id, lines: [{ skuId: 'duck', quantity: 1 }] }),
    ).rejects.toMatchObject({ code: 'forbidden' })
    await loop.customers.tag({ id: c.id, add: ['vip'] })
    await expect(
      loop.checkout({ customerId: c.id, lines: [{ skuId: 'duck', quantity: 1 }] }),
    ).resolves.toBeTruthy()
  })
})

describe('recovery', () => {
  it('loop.recover() re-runs the after-hooks of paid orders whose hooks never completed', async () => {
    let calls = 0
    let crash = true
    const errors: string[] = []
    const { loop, customer, sandbox } = testLoop({
      onError: (_e, where) => errors.push(where),
      plugins: [
        {
          id: 'crashy',
          hooks: {
            orderPaid: [
              () => {
                calls++
                // The process "dies" during the first run of the hook, after the payment committed.
                if (crash) throw new Error('crash')
              },
            ],
          },
        },
      ],
    })
    await loop.catalog.put(duck)
    const c = await customer('rex')
    const orders = []
    for (let i = 0; i < 3; i++) {
      const { order } = await loop.checkout({ customerId: c.id, lines: [{ skuId: 'duck', quantity: 1 }] })
      crash = i === 1
      await loop.fetch(await sandbox.pay({ orderNumber: order.number }))
      orders.push(order)
    }
    expect(calls).toBe(3)
    expect(errors).toEqual(['plugin crashy orderPaid'])
    crash = false
    expect(await loop.recover()).toMatchObject({ rerun: 1, checked: 3 })
    expect(calls).toBe(4)
    expect(await loop.recover()).toMatchObject({ rerun: 0 })
  })
})
