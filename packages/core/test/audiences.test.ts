import { isLoopError } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { duck, testLoop } from './_setup.js'

const DAY = 86_400_000

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(isLoopError(error), `expected a LoopError, got ${String(error)}`).toBe(true)
  return (error as { code: string }).code
}

describe('loop.audiences and loop.customers.list/count', () => {
  it('defines an audience, counts it and pages its members', async () => {
    const { loop, customer } = testLoop()
    const people = []
    for (const name of ['ada', 'bo', 'cy', 'di', 'ed']) people.push(await customer(name))
    for (const c of people.slice(0, 3)) await loop.customers.tag({ id: c.id, add: ['vip'] })
    const a = await loop.audiences.define({ id: 'vip', where: { tag: 'vip' }, name: 'VIPs' })
    expect(a).toMatchObject({ id: 'vip', name: 'VIPs', where: { tag: 'vip' } })
    expect(await loop.audiences.get('vip')).toEqual(a)
    expect(await loop.audiences.count('vip')).toBe(3)
    const first = await loop.audiences.members('vip', { limit: 2 })
    const second = await loop.audiences.members('vip', { limit: 2, after: first.next })
    expect([...first.customers, ...second.customers].map((c) => c.id)).toEqual(
      people
        .slice(0, 3)
        .map((c) => c.id)
        .sort(),
    )
    expect(second.next).toBeNull()
    expect(await loop.customers.count()).toBe(5)
    expect(await loop.customers.count({ where: { not: { tag: 'vip' } } })).toBe(2)
    expect((await loop.customers.list({ limit: 10 })).customers).toHaveLength(5)
  })

  it('has a built-in followers audience whose id cannot be redefined', async () => {
    const { loop, customer } = testLoop()
    const ada = await customer('ada')
    await customer('bo')
    await loop.storage.recordActivity({ customerId: ada.id, followed: true, now: 1 })
    expect(await loop.audiences.count('followers')).toBe(1)
    expect((await loop.audiences.members('followers')).customers.map((c) => c.id)).toEqual([ada.id])
    expect(await codeOf(loop.audiences.define({ id: 'followers', where: { tag: 'x' } }))).toBe(
      'invalid_input',
    )
    expect((await loop.audiences.list()).map((x) => x.id)).toEqual(['followers'])
  })

  it('counts "within days" from the loop clock', async () => {
    const { loop, customer, clock } = testLoop()
    const ada = await customer('ada')
    await loop.catalog.put(duck)
    const { order } = await loop.checkout({ customerId: ada.id, lines: [{ skuId: 'duck', quantity: 1 }] })
    await loop.storage.markPaid({
      orderId: order.id,
      delivery: null,
      payment: {
        id: 'pay_1',
        orderId: order.id,
        provider: 'sandbox',
        providerRef: 'tx_1',
        amount: order.total,
        currency: order.currency,
        status: 'succeeded',
        createdAt: clock.now(),
        updatedAt: clock.now(),
      },
      now: clock.now(),
    })
    await loop.audiences.define({ id: 'recent', where: { lastOrderWithinDays: 30 } })
    expect(await loop.audiences.count('recent')).toBe(1)
    clock.advance(31 * DAY)
    expect(await loop.audiences.count('recent')).toBe(0)
  })

  it('refuses malformed input with invalid_input and stores nothing', async () => {
    const { loop } = testLoop()
    const bad: unknown[] = [
      { id: 'x', where: { tag: 'a', followed: true } }, // two keys in one node
      { id: 'x', where: { spent: { min: 1 } } }, // no currency
      { id: 'x', where: { orders: { min: -1 } } },
      { id: 'x', where: { lastOrderWithinDays: 0 } },
      { id: 'x', where: { sql: '1=1' } },
      { id: 'has space', where: { tag: 'a' } },
      { id: 'x', where: { tag: 'a' }, extra: true },
      {
        id: 'x',
        where: { not: { not: { not: { not: { not: { not: { not: { not: { tag: 'a' } } } } } } } } },
      },
    ]
    for (const input of bad) {
      expect(await codeOf(loop.audiences.define(input as never)), JSON.stringify(input)).toBe('invalid_input')
    }
    expect(await loop.storage.listAudiences({})).toEqual([])
    expect(await codeOf(loop.customers.list({ limit: 0 }))).toBe('invalid_input')
    expect(await codeOf(loop.customers.list({ limit: 1001 }))).toBe('invalid_input')
    expect(await codeOf(loop.customers.count({ where: { tag: '' } }))).toBe('invalid_input')
    expect(await codeOf(loop.audiences.members('followers', { limit: 1.5 }))).toBe('invalid_input')
  })

  it('answers not_found for an unknown audience', async () => {
    const { loop } = testLoop()
    expect(await codeOf(loop.audiences.count('nobody'))).toBe('not_found')
    expect(await codeOf(loop.audiences.members('nobody'))).toBe('not_found')
    expect(await codeOf(loop.audiences.get('nobody'))).toBe('not_found')
  })

  it('sets a known time zone and refuses an unknown one', async () => {
    const { loop, customer } = testLoop()
    const ada = await customer('ada')
    expect((await loop.customers.setTimeZone({ id: ada.id, timeZone: 'Asia/Shanghai' })).timeZone).toBe(
      'Asia/Shanghai',
    )
    expect(await codeOf(loop.customers.setTimeZone({ id: ada.id, timeZone: 'Mars/Olympus' }))).toBe(
      'invalid_input',
    )
    expect((await loop.customers.get(ada.id))?.timeZone).toBe('Asia/Shanghai')
    expect(await codeOf(loop.customers.setTimeZone({ id: 'cus_missing', timeZone: null }))).toBe('not_found')
  })
})
