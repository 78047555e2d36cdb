import { createLoop, type LoopOptions } from '@loopkit/core'
import { consoleMessaging, memoryStorage, sandboxIdentity, sandboxPayments } from '@loopkit/core/dev'

export const SECRET = 'test-secret-test-secret-test-secret-0001'

export const duck = {
  id: 'duck',
  title: 'Nanjing salted duck',
  description: '盐水鸭',
  imageUrl: null,
  price: 8800,
  currency: 'CNY',
  stock: 100,
  active: true,
}

/** A memory-backed loop with sandbox adapters, a quiet recording channel and a controllable clock. */
export function testLoop(overrides: Partial<LoopOptions> = {}) {
  let time = Date.parse('2026-11-25T08:00:00Z')
  const clock = {
    now: () => time,
    advance: (ms: number) => {
      time += ms
    },
  }
  const sandbox = sandboxPayments({ now: clock.now })
  const identity = sandboxIdentity({ now: clock.now })
  const messages = consoleMessaging({ log: () => {} })
  const loop = createLoop({
    secret: SECRET,
    baseUrl: 'http://shop.test/loop',
    storage: memoryStorage(),
    payments: [sandbox],
    identity: [identity],
    messaging: [messages],
    now: clock.now,
    ...overrides,
  })
  /** A customer created through the identity flow, without a browser. */
  const customer = async (name: string) =>
    (await loop.customers.login({ profile: { provider: 'sandbox', subject: name, displayName: name } }))
      .customer
  return { loop, sandbox, identity, messages, clock, customer }
}
