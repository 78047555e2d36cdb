// 10,000 mutated or forged Alipay notifications through a real memory loop: none is accepted and
// none changes the order; the genuine notification is then applied exactly once.
import { createPrivateKey } from 'node:crypto'
import { createLoop, type Order } from '@loopkit/core'
import { memoryStorage, sandboxIdentity } from '@loopkit/core/dev'
import { type AlipaySimulator, alipaySimulator } from '@loopkit/testing'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { alipayPayments, notifySignContent, rsa2Sign } from '../src/index.js'
import { K1_PRIVATE_KEY } from './keys.js'

const FORM = 'application/x-www-form-urlencoded; charset=utf-8'
interface Notice {
  body: Buffer
  contentType: string
}

let sim: AlipaySimulator
let loop: ReturnType<typeof createLoop>
let order: Order
let genuine: Notice
let genuineParams: string
const pools: Record<'wrongKey' | 'wrongApp' | 'wrongSeller' | 'amount' | 'unknownOrder', Notice[]> = {
  wrongKey: [],
  wrongApp: [],
  wrongSeller: [],
  amount: [],
  unknownOrder: [],
}

const form = (body: string): Notice => ({ body: Buffer.from(body), contentType: FORM })

/** Parameters signed with K1, which is not Alipay's key. */
function signedWithK1(body: string): Notice {
  const params = new URLSearchParams(body)
  params.delete('sign')
  const raw = new Map([...params].map(([k, v]) => [k, new TextEncoder().encode(v)]))
  params.set(
    'sign',
    rsa2Sign({ content: notifySignContent(raw), privateKey: createPrivateKey(K1_PRIVATE_KEY) }),
  )
  return form(params.toString())
}

function deliver(n: Notice) {
  const request = new Request('http://127.0.0.1/loop/webhooks/alipay', {
    method: 'POST',
    headers: { 'content-type': n.contentType },
    body: new Uint8Array(n.body),
  })
  return loop.webhooks.handle({ provider: 'alipay', request })
}

beforeAll(async () => {
  sim = await alipaySimulator({ timeScale: 0 })
  loop = createLoop({
    secret: 'fuzz-secret-fuzz-secret-fuzz-secret-0123',
    baseUrl: 'http://127.0.0.1/loop',
    storage: memoryStorage(),
    payments: [alipayPayments(sim.adapterOptions())],
    identity: [sandboxIdentity()],
    now: () => sim.now(),
  })
  await loop.catalog.put({
    id: 'duck',
    title: '盐水鸭',
    description: null,
    imageUrl: null,
    price: 8800,
    currency: 'CNY',
    stock: 10,
    active: true,
  })
  const { customer } = await loop.customers.login({ profile: { provider: 'sandbox', subject: 'fuzz-buyer' } })
  order = (
    await loop.checkout({ customerId: customer.id, lines: [{ skuId: 'duck', quantity: 1 }], method: 'qr' })
  ).order
  await sim.pay({ outTradeNo: order.number, notify: false })
  genuine = form(sim.notificationBody(order.number, 'genuine-notify-id'))
  genuineParams = new URLSearchParams(genuine.body.toString()).toString()
  for (let i = 0; i < 8; i++) {
    const id = `pool-${i}`
    pools.wrongKey.push(signedWithK1(sim.notificationBody(order.number, id)))
    pools.wrongApp.push(
      form(
        sim.notificationBody(order.number, id, {
          app_id: `20210000000000${10 + i}`,
          auth_app_id: '2021000000000009',
        }),
      ),
    )
    pools.wrongSeller.push(form(sim.notificationBody(order.number, id, { seller_id: `208800000000000${i}` })))
    pools.amount.push(form(sim.notificationBody(order.number, id, { total_amount: `88.${String(81 + i)}` })))
    pools.unknownOrder.push(
      form(sim.notificationBody(order.number, id, { out_trade_no: `NOPE${i}${order.number}`.slice(0, 32) })),
    )
  }
})
afterAll(async () => {
  await loop?.close()
  await sim?.close()
})

const names = [
  'notify_id',
  'out_trade_no',
  'total_amount',
  'trade_status',
  'app_id',
  'seller_id',
  'sign',
  'sign_type',
  'charset',
  'trade_no',
]

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('bodyBit' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('signBit' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    kind: fc.constant('value' as const),
    name: fc.constantFrom(...names),
    text: fc.string({ maxLength: 40 }),
  }),
  fc.record({ kind: fc.constant('drop' as const), name: fc.constantFrom(...names) }),
  fc.record({ kind: fc.constant('repeat' as const), name: fc.constantFrom(...names) }),
  fc.record({
    kind: fc.constant('extra' as const),
    name: fc.stringMatching(/^[a-z_]{1,12}$/),
    text: fc.string({ minLength: 1, maxLength: 20 }),
  }),
  fc.record({
    kind: fc.constant('contentType' as const),
    type: fc.constantFrom('application/json', 'text/plain', 'multipart/form-data', ''),
  }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
  fc.record({
    kind: fc.constantFrom(
      'wrongKey' as const,
      'wrongApp' as const,
      'wrongSeller' as const,
      'amount' as const,
      'unknownOrder' as const,
    ),
    pick: fc.nat(),
  }),
)
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never

function mutate(m: Mutation): Notice {
  const params = new URLSearchParams(genuine.body.toString())
  switch (m.kind) {
    case 'bodyBit': {
      const body = Buffer.from(genuine.body)
      body[m.at % body.length] = body[m.at % body.length]! ^ (1 << m.bit)
      // `%2B` and `%2b` encode the same byte: a flip that leaves the decoded form unchanged is not a mutation.
      if (new URLSearchParams(body.toString('latin1')).toString() === genuineParams)
        return mutate({ kind: 'drop', name: 'notify_id' })
      return { body, contentType: FORM }
    }
    case 'signBit': {
      const sig = Buffer.from(params.get('sign')!, 'base64')
      sig[m.at % sig.length] = sig[m.at % sig.length]! ^ (1 << m.bit)
      params.set('sign', sig.toString('base64'))
      break
    }
    case 'value':
      if (params.get(m.name) === m.text) return mutate({ kind: 'drop', name: m.name })
      params.set(m.name, m.text)
      break
    case 'drop':
      params.delete(m.name)
      break
    case 'repeat':
      params.append(m.name, params.get(m.name)!)
      break
    case 'extra':
      params.append(params.has(m.name) ? `${m.name}_x` : m.name, m.text)
      break
    case 'contentType':
      return { body: genuine.body, contentType: m.type }
    case 'truncate':
      return { body: genuine.body.subarray(0, m.keep % genuine.body.length), contentType: FORM }
    default: {
      const pool = pools[m.kind]
      return pool[m.pick % pool.length]!
    }
  }
  return form(params.toString())
}

describe('forged and mutated Alipay notifications (fast-check, 10,000 runs)', () => {
  it('none is accepted and none changes the order; the genuine one is then applied once', async () => {
    const seen: Record<string, number> = {}
    const orderBefore = await loop.orders.get(order.id)
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const { outcome, response } = await deliver(mutate(m))
        seen[`${m.kind}:${outcome.status}`] = (seen[`${m.kind}:${outcome.status}`] ?? 0) + 1
        expect(['rejected', 'suspicious']).toContain(outcome.status)
        expect(response.status).toBeGreaterThanOrEqual(400)
        expect(await response.text()).not.toBe('success')
      }),
      { numRuns: 10_000 },
    )
    expect(Object.values(seen).reduce((a, b) => a + b, 0)).toBe(10_000)
    // Amount mismatches and unknown orders pass the signature; the loop refuses them as suspicious.
    expect(Object.keys(seen).filter((k) => k.startsWith('amount:'))).toEqual(['amount:suspicious'])
    expect(Object.keys(seen).filter((k) => k.startsWith('wrongKey:'))).toEqual(['wrongKey:rejected'])
    expect(await loop.orders.get(order.id)).toEqual(orderBefore)
    expect(orderBefore!.status).toBe('pending')

    const first = await deliver(genuine)
    expect(first.outcome).toMatchObject({ status: 'processed', orderId: order.id })
    expect(await first.response.text()).toBe('success')
    expect((await deliver(genuine)).outcome.status).toBe('duplicate')
    expect(await loop.orders.get(order.id)).toMatchObject({
      status: 'paid',
      providerRef: sim.trade(order.number)!.trade_no,
    })
  })
})
