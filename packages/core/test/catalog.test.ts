import { isLoopError } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { duck, testLoop } from './_setup.js'

async function code(promise: Promise<unknown>): Promise<string> {
  const e = await promise.then(
    () => null,
    (error: unknown) => error,
  )
  expect(isLoopError(e), `expected a LoopError, got ${String(e)}`).toBe(true)
  return (e as { code: string }).code
}

describe('#16.1 loop.catalog', () => {
  it('#16.1 put on every boot keeps the stock pending orders hold (500, 5 held, put 500 again → 495)', async () => {
    const { loop, customer } = testLoop()
    const boot = () => loop.catalog.put({ ...duck, stock: 500 })
    await boot()
    const ann = await customer('ann')
    await loop.checkout({ customerId: ann.id, lines: [{ skuId: 'duck', quantity: 5 }] })
    expect((await boot()).stock).toBe(495)
    expect((await loop.catalog.get('duck'))?.stock).toBe(495)
  })

  it('#16.1 put still updates the description, price and active flag', async () => {
    const { loop } = testLoop()
    await loop.catalog.put(duck)
    const updated = await loop.catalog.put({ ...duck, title: 'Salted duck, half', price: 4800, stock: 3 })
    expect(updated).toEqual({ ...duck, title: 'Salted duck, half', price: 4800, stock: duck.stock })
  })

  it('#16.1 setStock and adjustStock change stock; unknown SKUs are not_found', async () => {
    const { loop } = testLoop()
    await loop.catalog.put({ ...duck, stock: 10 })
    expect((await loop.catalog.setStock({ id: 'duck', stock: 40 })).stock).toBe(40)
    expect((await loop.catalog.adjustStock({ id: 'duck', delta: -15 })).stock).toBe(25)
    expect(await code(loop.catalog.adjustStock({ id: 'duck', delta: -26 }))).toBe('out_of_stock')
    expect(await code(loop.catalog.setStock({ id: 'duck', stock: -1 }))).toBe('invalid_input')
    expect(await code(loop.catalog.adjustStock({ id: 'duck', delta: 1.5 }))).toBe('invalid_input')
    expect((await loop.catalog.get('duck'))?.stock).toBe(25)
    expect(await code(loop.catalog.setStock({ id: 'goose', stock: 1 }))).toBe('not_found')
    expect(await code(loop.catalog.adjustStock({ id: 'goose', delta: 1 }))).toBe('not_found')
  })

  it.each([
    ['a negative price', { price: -1 }],
    ['a fractional price', { price: 88.5 }],
    ['a price as a string', { price: '88.00' }],
    ['a lowercase currency', { currency: 'cny' }],
    ['an unknown currency', { currency: 'XYZ' }],
    ['an empty title', { title: '' }],
    ['a blank title', { title: '   ' }],
    ['a negative stock', { stock: -5 }],
    ['a zero limit', { limitPerCustomer: 0 }],
    ['an unknown field', { discount: 10 }],
  ])('#16.1 put refuses %s with invalid_input and stores nothing', async (_, change) => {
    const { loop } = testLoop()
    const e = await loop.catalog.put({ ...duck, ...change } as never).catch((error: unknown) => error)
    expect(isLoopError(e) && e.code === 'invalid_input' && (e.issues?.length ?? 0) > 0).toBe(true)
    expect(await loop.catalog.get('duck')).toBeNull()
  })
})

describe('per-customer purchase limits at checkout', () => {
  it('a second checkout past the limit is limit_exceeded; a cancelled order frees the allowance', async () => {
    const { loop, customer } = testLoop()
    await loop.catalog.put({ ...duck, limitPerCustomer: 2 })
    const ann = await customer('ann')
    const bob = await customer('bob')
    const buy = (customerId: string, quantity: number) =>
      loop.checkout({ customerId, lines: [{ skuId: 'duck', quantity }] })
    const first = await buy(ann.id, 2)
    expect(await code(buy(ann.id, 1))).toBe('limit_exceeded')
    await buy(bob.id, 2)
    expect((await loop.catalog.get('duck'))?.stock).toBe(96)
    await loop.orders.cancel({ orderId: first.order.id })
    expect((await buy(ann.id, 1)).order.status).toBe('pending')
    expect(await loop.orders.list({ customerId: ann.id, status: 'pending' })).toHaveLength(1)
  })
})
