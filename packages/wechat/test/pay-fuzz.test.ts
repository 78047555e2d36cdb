// 10,000 mutated or forged WeChat Pay callbacks through a real memory loop: none is accepted and
// none changes the order; the genuine callback is then accepted exactly once.
import { randomBytes, sign } from 'node:crypto'
import { createLoop, type Order } from '@loopkit/core'
import { memoryStorage, sandboxIdentity } from '@loopkit/core/dev'
import { type WechatSimulator, wechatSimulator } from '@loopkit/testing'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encryptResource, PROBE_SIGNATURE_PREFIX, wechatPayments } from '../src/index.js'
import { A3_CERTIFICATE, A3_SERIAL, K2_PRIVATE_KEY } from './pay-keys.js'

// The test plays WeChat with the A.3 certificate's key (K2), configured as one more verifier.
interface Callback {
  body: Buffer
  headers: Record<string, string>
}

let sim: WechatSimulator
let loop: ReturnType<typeof createLoop>
let order: Order
let skew = 0
let genuine: Callback
const pools: Record<'wrongKey' | 'staleSigned' | 'wrongMerchant' | 'wrongAppid' | 'amount', Callback[]> = {
  wrongKey: [],
  staleSigned: [],
  wrongMerchant: [],
  wrongAppid: [],
  amount: [],
}

function callback(input: {
  resource: Record<string, unknown>
  apiV3Key?: string
  timestamp?: number
  eventId?: string
}): Callback {
  const enc = encryptResource({
    apiV3Key: input.apiV3Key ?? sim.pay.apiV3Key,
    plaintext: JSON.stringify(input.resource),
    associatedData: 'transaction',
  })
  const body = Buffer.from(
    JSON.stringify({
      id: input.eventId ?? `EV-${randomBytes(8).toString('hex')}`,
      create_time: '2025-01-06T10:00:00+08:00',
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: enc,
    }),
  )
  const ts = String(input.timestamp ?? Math.floor(sim.now() / 1000))
  const nonce = randomBytes(16).toString('hex')
  const signature = sign(
    'sha256',
    Buffer.concat([Buffer.from(`${ts}\n${nonce}\n`), body, Buffer.from('\n')]),
    K2_PRIVATE_KEY,
  ).toString('base64')
  return {
    body,
    headers: {
      'Wechatpay-Timestamp': ts,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Serial': A3_SERIAL,
      'Wechatpay-Signature': signature,
      'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
    },
  }
}

async function deliver(c: Callback) {
  const request = new Request('https://shop.example/loop/webhooks/wechat', {
    method: 'POST',
    headers: c.headers,
    body: new Uint8Array(c.body),
  })
  return loop.webhooks.handle({ provider: 'wechat', request })
}

beforeAll(async () => {
  sim = await wechatSimulator({ timeScale: 0 })
  const adapter = wechatPayments({
    ...sim.pay.adapterOptions(),
    verifiers: { ...sim.pay.verifiers(), [A3_SERIAL]: A3_CERTIFICATE },
    now: () => sim.now() + skew,
  })
  loop = createLoop({
    secret: 'fuzz-secret-fuzz-secret-fuzz-secret-0123',
    baseUrl: 'https://shop.example/loop',
    storage: memoryStorage(),
    payments: [adapter],
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
  const { customer } = await loop.customers.login({
    profile: { provider: 'wechat', subject: 'oFuzzBuyer000000000000000000' },
  })
  const result = await loop.checkout({
    customerId: customer.id,
    lines: [{ skuId: 'duck', quantity: 1 }],
    provider: 'wechat',
    method: 'jsapi',
  })
  order = result.order
  await sim.pay.payOrder({ outTradeNo: order.number, notify: false })
  const tx = sim.pay.order(order.number)!
  genuine = callback({ resource: tx, eventId: 'EV-genuine' })
  const now = Math.floor(sim.now() / 1000)
  for (let i = 0; i < 8; i++) {
    pools.wrongKey.push(callback({ resource: tx, apiV3Key: randomBytes(16).toString('hex') }))
    pools.staleSigned.push(callback({ resource: tx, timestamp: now + (i % 2 ? 1 : -1) * (301 + i * 997) }))
    pools.wrongMerchant.push(callback({ resource: { ...tx, mchid: `19${i}0000001` } }))
    pools.wrongAppid.push(callback({ resource: { ...tx, appid: `wx000000000000000${i}` } }))
    pools.amount.push(
      callback({ resource: { ...tx, amount: { total: 8800 + i + 1, payer_total: 1, currency: 'CNY' } } }),
    )
  }
})
afterAll(async () => {
  await loop?.close()
  await sim?.close()
})

const headerNames = [
  'Wechatpay-Timestamp',
  'Wechatpay-Nonce',
  'Wechatpay-Serial',
  'Wechatpay-Signature',
] as const

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('bodyBit' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('sigBit' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    kind: fc.constant('tsShift' as const),
    delta: fc.integer({ min: -300, max: 300 }).filter((d) => d !== 0),
  }),
  fc.record({ kind: fc.constant('nonce' as const), text: fc.string({ minLength: 1, maxLength: 40 }) }),
  fc.record({
    kind: fc.constant('serial' as const),
    // `null`: the simulator's real public-key ID, a configured key that did not sign this.
    serial: fc.oneof(
      fc.constant(null),
      fc.string({ unit: fc.constantFrom(...'0123456789ABCDEF'), minLength: 1, maxLength: 40 }),
      fc.constant('PUB_KEY_ID_0000'),
    ),
  }),
  fc.record({ kind: fc.constant('drop' as const), header: fc.constantFrom(...headerNames) }),
  fc.record({ kind: fc.constant('probe' as const), tail: fc.base64String({ maxLength: 344 }) }),
  fc.record({
    kind: fc.constant('stale' as const),
    seconds: fc.integer({ min: 301, max: 10_000_000 }),
    sign: fc.constantFrom(1, -1),
  }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
  fc.record({
    kind: fc.constantFrom(
      'wrongKey' as const,
      'staleSigned' as const,
      'wrongMerchant' as const,
      'wrongAppid' as const,
      'amount' as const,
    ),
    pick: fc.nat(),
  }),
)

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never

function mutate(m: Mutation): Callback {
  const body = Buffer.from(genuine.body)
  const headers = { ...genuine.headers }
  skew = 0
  switch (m.kind) {
    case 'bodyBit':
      body[m.at % body.length] = body[m.at % body.length]! ^ (1 << m.bit)
      break
    case 'sigBit': {
      const sig = Buffer.from(headers['Wechatpay-Signature']!, 'base64')
      sig[m.at % sig.length] = sig[m.at % sig.length]! ^ (1 << m.bit)
      headers['Wechatpay-Signature'] = sig.toString('base64')
      break
    }
    case 'tsShift':
      headers['Wechatpay-Timestamp'] = String(Number(headers['Wechatpay-Timestamp']) + m.delta)
      break
    case 'nonce':
      if (m.text === headers['Wechatpay-Nonce']) return mutate({ kind: 'drop', header: 'Wechatpay-Nonce' })
      headers['Wechatpay-Nonce'] = m.text.replace(/[^\x21-\x7e]/g, 'x')
      break
    case 'serial':
      headers['Wechatpay-Serial'] =
        m.serial === null ? sim.pay.publicKey.id : m.serial === A3_SERIAL ? 'PUB_KEY_ID_1' : m.serial
      break
    case 'drop':
      delete headers[m.header]
      break
    case 'probe':
      headers['Wechatpay-Signature'] = `${PROBE_SIGNATURE_PREFIX}${m.tail}`
      break
    case 'stale':
      skew = m.sign * m.seconds * 1000
      break
    case 'truncate':
      return { body: body.subarray(0, m.keep % body.length), headers }
    default: {
      const pool = pools[m.kind]
      return pool[m.pick % pool.length]!
    }
  }
  return { body, headers }
}

describe('forged and mutated WeChat Pay callbacks (fast-check, 10,000 runs)', () => {
  it('none is accepted and none changes the order; the genuine one is then applied once', async () => {
    const seen: Record<string, number> = {}
    const paymentsBefore = await loop.storage.listPayments({ orderId: order.id })
    const orderBefore = await loop.orders.get(order.id)
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const { outcome, response } = await deliver(mutate(m))
        seen[`${m.kind}:${outcome.status}`] = (seen[`${m.kind}:${outcome.status}`] ?? 0) + 1
        expect(['rejected', 'suspicious']).toContain(outcome.status)
        expect(response.status).toBeGreaterThanOrEqual(400)
        const body = (await response.json()) as { code: string }
        expect(body.code).toBe('FAIL')
      }),
      { numRuns: 10_000 },
    )
    skew = 0
    expect(Object.values(seen).reduce((a, b) => a + b, 0)).toBe(10_000)
    // Amount mismatches pass the signature but the loop refuses them: recorded as suspicious.
    expect(Object.keys(seen).filter((k) => k.startsWith('amount:'))).toEqual(['amount:suspicious'])
    expect(await loop.orders.get(order.id)).toEqual(orderBefore)
    expect(orderBefore!.status).toBe('pending')
    expect(await loop.storage.listPayments({ orderId: order.id })).toEqual(paymentsBefore)

    const first = await deliver(genuine)
    expect(first.outcome).toMatchObject({ status: 'processed', orderId: order.id })
    expect(first.response.status).toBe(204)
    expect((await deliver(genuine)).outcome.status).toBe('duplicate')
    expect((await loop.orders.get(order.id))!).toMatchObject({
      status: 'paid',
      providerRef: sim.pay.order(order.number)!.transaction_id,
    })
  })
})
