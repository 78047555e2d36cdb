import { createLoop } from '@loopkit/core'
import { sandboxIdentity, sandboxPayments } from '@loopkit/core/dev'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresStorage } from '../src/index.js'
import { createTestStorage, dropSchema, randomSchema } from './helpers.js'

// Two storages on one schema stand for two app instances, each with its own connection pool.
const schema = randomSchema()
let a: PostgresStorage
let b: PostgresStorage
beforeAll(async () => {
  a = createTestStorage(schema)
  b = createTestStorage(schema)
  await a.migrate()
})
afterAll(async () => {
  await a.close()
  await b.close()
  await dropSchema(schema)
})

describe('#9 rate limits across instances (PostgreSQL)', () => {
  it('#9 rate limits: concurrent checks from two instances share one bucket exactly', async () => {
    const take = (s: PostgresStorage) =>
      s.takeTokens!({ key: 'rl:shared', capacity: 30, refillPerSecond: 0.001, cost: 1, now: 1_000 })
    const results = await Promise.all(Array.from({ length: 120 }, (_, i) => take(i % 2 ? a : b)))
    expect(results.filter((r) => r.allowed)).toHaveLength(30)
  })

  it('#9 rate limits: two loops with store "storage" refuse a visitor’s login starts past the limit', async () => {
    const loops = [a, b].map((storage) =>
      createLoop({
        secret: 'rate-limit-test-secret-0123456789abcdef',
        baseUrl: 'http://shop.test/loop',
        storage,
        payments: [sandboxPayments()],
        identity: [sandboxIdentity()],
        rateLimits: { store: 'storage', login: { capacity: 2, refillPerSecond: 0.001 } },
      }),
    )
    const start = (i: number) =>
      loops[i % 2]!.fetch(
        new Request('http://shop.test/loop/login/sandbox', {
          headers: { cookie: 'lk_visitor=pgvisitor0123456789abc' },
        }),
      )
    const statuses = [(await start(0)).status, (await start(1)).status, (await start(0)).status]
    expect(statuses).toEqual([302, 302, 429])
  })
})
