import * as core from '@loopkit/core'
import { createLoop, isLoopError } from '@loopkit/core'
import { devDefaults, memoryStorage } from '@loopkit/core/dev'
import { describe, expect, it } from 'vitest'
import { browser, sandboxLogin } from './_browser.js'

// Issue #14: the development adapters left the main entry for `@loopkit/core/dev`, and createLoop
// lost its adapter defaults. These pin what an adopter observes after the move.

const secret = 'dev-defaults-secret-0123456789abcdefghij'
const duck = {
  id: 'duck',
  title: 'Nanjing salted duck',
  description: null,
  imageUrl: null,
  price: 8800,
  currency: 'CNY',
  stock: 3,
  active: true,
}

function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}

describe('createLoop without adapter defaults', () => {
  it('refuses a loop without storage, naming the storage packages and @loopkit/core/dev', () => {
    const error = thrown(() =>
      createLoop({ secret, baseUrl: 'http://shop.test/loop' } as unknown as core.LoopOptions),
    )
    expect(isLoopError(error) && error.code).toBe('configuration')
    const message = (error as Error).message
    expect(message).toContain('Missing required option `storage`')
    expect(message).toContain('@loopkit/storage-sqlite')
    expect(message).toContain('@loopkit/storage-postgres')
    expect(message).toContain("devDefaults() from '@loopkit/core/dev'")
  })

  it('a loop without payments takes no checkout and writes nothing: no sandbox by omission, on http or https', async () => {
    for (const baseUrl of ['http://shop.test/loop', 'https://shop.example/loop']) {
      const storage = memoryStorage()
      const loop = createLoop({ secret, baseUrl, storage })
      await loop.catalog.put(duck)
      const { customer } = await loop.customers.login({ profile: { provider: 'host', subject: 'ann' } })
      const error = await loop
        .checkout({ customerId: customer.id, lines: [{ skuId: 'duck', quantity: 1 }] })
        .catch((e: unknown) => e)
      expect(isLoopError(error) && error.code).toBe('invalid_input')
      expect((error as Error).message).toContain('No payment provider is configured')
      expect(await loop.orders.list()).toEqual([])
      expect((await loop.catalog.get('duck'))?.stock).toBe(3)
      // No identity adapter either: the sandbox login page is not there.
      const res = await loop.fetch(new Request(`${baseUrl}/login/sandbox?returnTo=/`))
      expect(res.status).toBe(404)
    }
  })

  it('a loop without messaging queues no notification for a paid order', async () => {
    const { messaging: _, ...dev } = devDefaults()
    const loop = createLoop({ secret, baseUrl: 'http://shop.test/loop', ...dev })
    await loop.catalog.put(duck)
    const b = browser(loop.fetch)
    await sandboxLogin(b, 'Ann')
    const res = await b.request('/loop/checkout', {
      method: 'POST',
      json: { lines: [{ skuId: 'duck', quantity: 1 }] },
    })
    const { order } = (await res.json()) as { order: { id: string; number: string } }
    await loop.fetch(await dev.payments[0].pay({ orderNumber: order.number }))
    expect((await loop.orders.get(order.id))?.status).toBe('paid')
    expect(await loop.notify.list()).toEqual([])
  })
})

describe('devDefaults() from @loopkit/core/dev', () => {
  it('one spread gives a working loop: sandbox login page, checkout, sandbox pay page, console message', async () => {
    const lines: string[] = []
    const dev = devDefaults({ log: (line) => lines.push(line) })
    const loop = createLoop({ ...dev, secret, baseUrl: 'http://shop.test/loop' })
    await loop.catalog.put(duck)
    const b = browser(loop.fetch)
    const login = await sandboxLogin(b, 'Alice')
    expect(login.done.status).toBe(302)
    const res = await b.request('/loop/checkout', {
      method: 'POST',
      json: { lines: [{ skuId: 'duck', quantity: 1 }] },
    })
    expect(res.status).toBe(201)
    const { order, action } = (await res.json()) as { order: { id: string }; action: { url: string } }
    const pay = await b.request(new URL(action.url).pathname, { method: 'POST' })
    expect(pay.status).toBe(303)
    expect((await loop.orders.get(order.id))?.status).toBe('paid')
    await loop.notify.dispatch()
    expect(dev.messaging[0].sent.map((m) => m.message.topic)).toEqual(['order.paid'])
    expect(lines).toEqual([expect.stringContaining('[loopkit] [message] to Alice')])
  })

  it('each call returns fresh adapters: two loops never share a store', async () => {
    const a = createLoop({ ...devDefaults(), secret, baseUrl: 'http://a.test/loop' })
    const b = createLoop({ ...devDefaults(), secret, baseUrl: 'http://b.test/loop' })
    await a.catalog.put(duck)
    expect(await b.catalog.get('duck')).toBeNull()
  })

  it('the main entry no longer exports the development adapters', () => {
    for (const name of [
      'memoryStorage',
      'sandboxPayments',
      'sandboxIdentity',
      'consoleMessaging',
      'devDefaults',
    ])
      expect(name in core).toBe(false)
  })
})
