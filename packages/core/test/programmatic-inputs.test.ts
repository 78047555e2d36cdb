import { isLoopError, type Loop } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { duck, SECRET, testLoop } from './_setup.js'

// Issue #14 item 8: the loop's own methods validate their input like the HTTP routes do. Each bad
// call below must fail with `invalid_input` carrying zod's issues, and leave the storage as it was.

type Case = [name: string, call: (loop: Loop, ids: { alice: string; order: string }) => unknown]

const cases: Case[] = [
  ['customers.login: empty profile', (l) => l.customers.login({ profile: {} as never })],
  [
    'customers.login: numeric subject',
    (l) => l.customers.login({ profile: { provider: 'sandbox', subject: 42 as never } }),
  ],
  [
    'customers.login: typo in a profile key',
    (l) => l.customers.login({ profile: { provider: 'sandbox', subject: 'x', unionid: 'u' } as never }),
  ],
  ['customers.login: no input', (l) => l.customers.login(undefined as never)],
  [
    'customers.tag: a string for a list',
    (l, { alice }) => l.customers.tag({ id: alice, add: 'vip' as never }),
  ],
  ['customers.tag: an empty tag', (l, { alice }) => l.customers.tag({ id: alice, add: [''] })],
  ['customers.tag: a control character', (l, { alice }) => l.customers.tag({ id: alice, add: ['vip\n'] })],
  ['customers.tag: no id', (l) => l.customers.tag({ add: ['vip'] } as never)],
  [
    'customers.grantConsent: fractional count',
    (l, { alice }) =>
      l.customers.grantConsent({ customerId: alice, channel: 'wechat', topic: 'order.paid', count: 1.5 }),
  ],
  [
    'customers.grantConsent: negative count',
    (l, { alice }) =>
      l.customers.grantConsent({ customerId: alice, channel: 'wechat', topic: 'order.paid', count: -1 }),
  ],
  [
    'customers.grantConsent: channel with spaces',
    (l, { alice }) =>
      l.customers.grantConsent({ customerId: alice, channel: 'we chat', topic: 't', count: null }),
  ],
  ['customers.get: a number', (l) => l.customers.get(7 as never)],
  ['catalog.get: an object', (l) => l.catalog.get({ id: 'duck' } as never)],
  ['login.begin: no provider', (l) => l.login.begin({} as never)],
  ['login.begin: numeric share token', (l) => l.login.begin({ provider: 'sandbox', shareToken: 5 as never })],
  ['orders.get: empty id', (l) => l.orders.get('')],
  ['orders.getByNumber: null', (l) => l.orders.getByNumber(null as never)],
  ['orders.list: negative limit', (l) => l.orders.list({ limit: -1 })],
  ['orders.list: unknown status', (l) => l.orders.list({ status: 'paid ' as never })],
  ['orders.fulfil: no order id', (l) => l.orders.fulfil({} as never)],
  ['orders.cancel: numeric order id', (l) => l.orders.cancel({ orderId: 1 as never })],
  [
    'orders.cancel: a status smuggled in',
    (l, { order }) => l.orders.cancel({ orderId: order, reason: 'expired' } as never),
  ],
  ['orders.expireDue: fractional limit', (l) => l.orders.expireDue({ limit: 2.5 })],
  ['orders.reconcile: no input', (l) => l.orders.reconcile(undefined as never)],
  ['refunds.create: negative amount', (l, { order }) => l.refunds.create({ orderId: order, amount: -5 })],
  ['refunds.list: no order id', (l) => l.refunds.list({} as never)],
  ['refunds.reconcile: zero limit', (l) => l.refunds.reconcile({ limit: 0 })],
  [
    'webhooks.handle: not a Request',
    (l) => l.webhooks.handle({ provider: 'sandbox', request: { body: '{}' } as never }),
  ],
  ['webhooks.handle: no provider', (l) => l.webhooks.handle({ request: new Request('http://x/') } as never)],
  ['notify.dispatch: negative lease', (l) => l.notify.dispatch({ leaseMs: -1 })],
  ['notify.dispatch: not a signal', (l) => l.notify.dispatch({ signal: 'stop' as never })],
  ['notify.list: unknown status', (l) => l.notify.list({ status: 'failed' as never })],
  ['shares.create: numeric sku', (l, { alice }) => l.shares.create({ customerId: alice, skuId: 3 as never })],
  ['shares.card: empty token', (l) => l.shares.card({ token: '' })],
  ['shares.visit: no visitor key', (l) => l.shares.visit({ token: 'abc' } as never)],
  ['shares.list: string limit', (l) => l.shares.list({ limit: '10' as never })],
  ['analytics.funnel: an unknown key', (l) => l.analytics.funnel({ since: -1 } as never)],
  ['analytics.funnel: not a day', (l) => l.analytics.funnel({ from: 'yesterday' })],
  ['analytics.events: a string for types', (l) => l.analytics.events({ types: 'order.paid' as never })],
  ['rewards.list: unknown status', (l) => l.rewards.list({ status: 'paid' as never })],
  ['recover: fractional since', (l) => l.recover({ since: 0.5 })],
  ['catalog.put: price -5', (l) => l.catalog.put({ ...duck, id: 'neg', price: -5 })],
  ['catalog.setStock: fractional', (l) => l.catalog.setStock({ id: 'duck', stock: 1.5 })],
  [
    'checkout: zero quantity',
    (l, { alice }) => l.checkout({ customerId: alice, lines: [{ skuId: 'duck', quantity: 0 }] }),
  ],
]

describe('every public method refuses bad input with invalid_input and changes nothing', async () => {
  const { loop, customer } = testLoop()
  await loop.catalog.put(duck)
  const alice = (await customer('Alice')).id
  await loop.customers.tag({ id: alice, add: ['regular'] })
  const { order } = await loop.checkout({ customerId: alice, lines: [{ skuId: 'duck', quantity: 1 }] })
  const ids = { alice, order: order.id }

  // Read through the storage adapter, not through the methods under test.
  const s = loop.storage
  const snapshot = async () => ({
    alice: await s.getCustomer({ id: alice }),
    orders: await s.listOrders({ limit: 1000 }),
    sku: await s.getSku({ id: 'duck' }),
    skus: (await s.listSkus({ activeOnly: false })).length,
    shares: await s.listShares({ limit: 1000 }),
    events: await s.listEvents({ limit: 10_000 }),
    notifications: await s.listNotifications({ limit: 1000 }),
    refunds: await s.listRefunds({ limit: 1000 }),
  })
  const before = await snapshot()

  it.each(cases)('%s', async (_name, call) => {
    const error = await Promise.resolve()
      .then(() => call(loop, ids))
      .then(
        () => null,
        (e: unknown) => e,
      )
    expect(isLoopError(error)).toBe(true)
    expect(error).toMatchObject({ code: 'invalid_input', status: 400 })
    expect((error as { issues?: unknown[] }).issues?.length).toBeGreaterThan(0)
    expect((error as Error).message).toMatch(/^\[loopkit\] \[[a-z]+\] Invalid input/)
  })

  it('left customers, orders, stock, shares, events, notifications and refunds as they were', async () => {
    expect(await snapshot()).toEqual(before)
  })

  it('still takes good input the same way (tags stay whole words)', async () => {
    const tagged = await loop.customers.tag({ id: alice, add: ['vip'], remove: ['regular'] })
    expect(tagged?.tags).toEqual(['vip'])
    expect(await loop.orders.list({ customerId: alice, status: 'pending' })).toHaveLength(1)
    expect(await loop.customers.tag({ id: 'cus_nobody', add: ['vip'] })).toBeNull()
    expect((await loop.analytics.events({ types: ['order.created'], limit: 10 })).length).toBe(1)
  })
})

describe('createLoop options are checked at start-up as configuration errors', () => {
  const base = { secret: SECRET, baseUrl: 'http://shop.test/loop' }
  const bad: [name: string, options: Record<string, unknown>, message: RegExp][] = [
    ['a short secret', { secret: 'short-secret-value-xyz' }, /`secret`: must be at least 32 characters\.$/],
    ['a baseUrl that is not http', { baseUrl: 'ftp://shop.test/loop' }, /`baseUrl`: .*not a URL/],
    ['a fractional order ttl', { orders: { ttlMs: 1.5 } }, /`orders\.ttlMs`: .*got 1\.5\./],
    [
      'a negative attribution window',
      { attribution: { windowMs: -1 } },
      /`attribution\.windowMs`: must be a positive number/,
    ],
    ['a string for maxAttempts', { notifications: { maxAttempts: '8' } }, /`notifications\.maxAttempts`/],
    [
      'a backoff base above its cap',
      { notifications: { backoff: { baseMs: 10, maxMs: 5 } } },
      /`notifications\.backoff\.maxMs`/,
    ],
    [
      'an adapter without its methods',
      { payments: [{ id: 'pay' }] },
      /`payments\.0`: must be an adapter object/,
    ],
    ['storage that is not an adapter', { storage: {} }, /`storage`: must be a storage adapter/],
    [
      'a template that is not a function',
      { notifications: { templates: { 'order.paid': 'Paid!' } } },
      /`notifications\.templates`: must map topics to functions/,
    ],
    ['a background interval of zero', { background: { tickIntervalMs: 0 } }, /`background\.tickIntervalMs`/],
    ['a trustProxy of -1', { trustProxy: -1 }, /`trustProxy`/],
  ]
  it.each(bad)('%s', (_name, options, message) => {
    let error: unknown = null
    try {
      testLoop(options as never)
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({ code: 'configuration' })
    expect((error as Error).message).toMatch(message)
  })

  it('never echoes a secret, even one pasted into another option', () => {
    const secret = 'sk_live_0123456789abcdefghijklmnopqrstuv'
    for (const options of [
      { ...base, secret: 'sk_live_0123456789abcdef' },
      { ...base, baseUrl: secret },
      { ...base, notifications: { batchSize: secret } },
    ]) {
      let message = ''
      try {
        testLoop(options as never)
      } catch (e) {
        message = (e as Error).message
      }
      expect(message).toMatch(/^\[loopkit\] \[loop\] /)
      expect(message).not.toContain('0123')
      expect(message).not.toContain('sk_live_0')
    }
  })
})
