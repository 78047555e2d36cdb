import { createLoop, isLoopError, type LoopOptions, type MessagingAdapter } from '@loopkit/core'
import { consoleMessaging, memoryStorage, sandboxIdentity, sandboxPayments } from '@loopkit/core/dev'
import { afterEach, describe, expect, it } from 'vitest'
import { SECRET } from './_setup.js'

// These tests run the real background loops on the real clock, with short intervals and deadlines.

const duck = {
  id: 'duck',
  title: 'Nanjing salted duck',
  description: null,
  imageUrl: null,
  price: 8800,
  currency: 'CNY',
  stock: 100,
  active: true,
}

/** A channel whose sends never settle, like a provider that accepts the connection and never answers. */
function hangingChannel(): MessagingAdapter & { calls: number } {
  const channel = {
    id: 'stuck',
    calls: 0,
    canReach: () => true,
    send: () => {
      channel.calls++
      return new Promise<never>(() => {})
    },
  }
  return channel
}

async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  ms = 5_000,
): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

const stops: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()))
})

function realLoop(overrides: Partial<LoopOptions> = {}) {
  const sandbox = sandboxPayments()
  const errors: Array<{ error: unknown; where: string }> = []
  const loop = createLoop({
    secret: SECRET,
    baseUrl: 'http://shop.test/loop',
    storage: memoryStorage(),
    payments: [sandbox],
    identity: [sandboxIdentity()],
    onError: (error, where) => errors.push({ error, where }),
    ...overrides,
  })
  stops.push(() => loop.stop())
  const buy = async (name: string, pay = true) => {
    const { customer } = await loop.customers.login({ profile: { provider: 'sandbox', subject: name } })
    const { order } = await loop.checkout({
      customerId: customer.id,
      lines: [{ skuId: 'duck', quantity: 1 }],
    })
    if (pay) expect((await loop.fetch(await sandbox.pay({ orderNumber: order.number }))).ok).toBe(true)
    return order
  }
  return { loop, sandbox, errors, buy }
}

describe('background work with a messaging adapter that hangs forever', () => {
  it('still sends the other channel, expires unpaid orders, and stop() resolves', async () => {
    const stuck = hangingChannel()
    const console = consoleMessaging({ log: () => {} })
    const { loop, buy } = realLoop({
      messaging: [stuck, console],
      orders: { ttlMs: 300 },
      notifications: { backoff: { baseMs: 50, maxMs: 50 } },
      background: {
        dispatchIntervalMs: 20,
        expiryIntervalMs: 20,
        tickIntervalMs: 20,
        adapterTimeoutMs: 200,
        stopTimeoutMs: 1_000,
      },
    })
    await loop.catalog.put(duck)
    const paid = await Promise.all(['ann', 'bo', 'cy'].map((n) => buy(n)))
    const unpaid = await buy('dee', false)
    loop.start()

    await until('the console messages', async () => console.sent.length === 3)
    expect(console.sent.map((m) => m.dedupeKey).sort()).toEqual(
      paid.map((o) => `order.paid:${o.id}:console`).sort(),
    )
    const expired = await until('the unpaid order to expire', async () => {
      const o = await loop.orders.get(unpaid.id)
      return o?.status === 'expired' ? o : null
    })
    expect(expired.status).toBe('expired')
    expect((await loop.catalog.get('duck'))!.stock).toBe(97) // the expired order's unit is back
    // The hung sends ran into their deadline and were scheduled again as retryable failures.
    const retried = await until('a timed-out send to be recorded', async () => {
      const rows = await loop.notify.list({ status: 'pending' })
      return rows.filter((r) => r.channel === 'stuck' && r.lastError?.startsWith('timeout:')).length > 0
        ? rows
        : null
    })
    expect(retried.every((r) => r.channel === 'stuck')).toBe(true)
    expect(stuck.calls).toBeGreaterThanOrEqual(3)

    const outcome = await Promise.race([
      loop.stop().then(() => 'stopped'),
      new Promise((r) => setTimeout(() => r('still waiting'), 3_000)),
    ])
    expect(outcome).toBe('stopped')
  })

  it('stop() resolves within its bound even when a pass is stuck beyond every deadline', async () => {
    const stuck = hangingChannel()
    const { loop, buy, errors } = realLoop({
      messaging: [stuck],
      // The send deadline is far away; only stop's own bound can end the wait.
      background: { adapterTimeoutMs: 60_000, stopTimeoutMs: 200, dispatchIntervalMs: 10 },
    })
    await loop.catalog.put(duck)
    await buy('ann')
    loop.start()
    await until('the send to start', async () => stuck.calls > 0)
    const outcome = await Promise.race([
      loop.stop().then(() => 'stopped'),
      new Promise((r) => setTimeout(() => r('still waiting'), 3_000)),
    ])
    expect(outcome).toBe('stopped')
    const report = errors.find((e) => e.where === 'background stop')
    expect(isLoopError(report?.error) && report.error.code).toBe('timeout')
    expect(String((report?.error as Error).message)).toContain('dispatch')
  })
})

describe('the background dispatcher', () => {
  it('is woken by a committed payment instead of waiting for its timer', async () => {
    const console = consoleMessaging({ log: () => {} })
    const { loop, buy } = realLoop({
      messaging: [console],
      // Without the wake-up the message would wait a minute.
      background: { dispatchIntervalMs: 60_000 },
    })
    await loop.catalog.put(duck)
    loop.start()
    await new Promise((r) => setTimeout(r, 50)) // the first pass finds nothing and pauses
    const order = await buy('ann')
    await until('the order.paid message', async () => console.sent.length === 1)
    expect(console.sent[0]!.dedupeKey).toBe(`order.paid:${order.id}:console`)
  })

  it('keeps each channel within its concurrency, and a slow channel does not slow the other', async () => {
    let inFlight = 0
    let most = 0
    const slow: MessagingAdapter = {
      id: 'slow',
      limits: { concurrency: 2 },
      canReach: () => true,
      async send() {
        inFlight++
        most = Math.max(most, inFlight)
        await new Promise((r) => setTimeout(r, 20))
        inFlight--
        return { providerMessageId: null }
      },
    }
    const console = consoleMessaging({ log: () => {} })
    const { loop, buy } = realLoop({ messaging: [slow, console] })
    await loop.catalog.put(duck)
    for (let i = 0; i < 8; i++) await buy(`b${i}`)
    const result = await loop.notify.dispatch()
    expect(result).toMatchObject({ claimed: 16, sent: 16, retried: 0, dead: 0, released: 0 })
    expect(most).toBe(2)
    expect(console.sent).toHaveLength(8)
  })

  it('spreads sends by the per-minute limit and hands back, unattempted, what cannot start within the lease', async () => {
    const starts: number[] = []
    const limited: MessagingAdapter = {
      id: 'limited',
      canReach: () => true,
      async send() {
        starts.push(performance.now())
        return { providerMessageId: null }
      },
    }
    const { loop, buy } = realLoop({
      messaging: [limited],
      // 600 a minute is one send per 100 ms; the lease leaves 1000 - 3 × 100 = 700 ms to start sends.
      notifications: { channels: { limited: { perMinute: 600, concurrency: 4 } }, leaseMs: 1_000 },
      background: { adapterTimeoutMs: 100 },
    })
    await loop.catalog.put(duck)
    for (let i = 0; i < 12; i++) await buy(`b${i}`)
    const result = await loop.notify.dispatch()
    expect(result.claimed).toBe(12)
    expect(result.sent).toBe(starts.length)
    // At most 8 starts fit in 700 ms at 100 ms apart (0, 100, …, 700); a busy machine may fit fewer.
    expect(result.sent).toBeGreaterThanOrEqual(1)
    expect(result.sent).toBeLessThanOrEqual(8)
    expect(result.released).toBe(12 - result.sent)
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(95)
    const handedBack = await loop.notify.list({ status: 'pending' })
    expect(handedBack).toHaveLength(result.released)
    // Not attempted: the claim's attempt was given back, so the rows keep every retry they had.
    expect(handedBack.every((r) => r.attempts === 0 && r.lastError === null && r.leaseToken === null)).toBe(
      true,
    )
  })
})

describe('stopping the background dispatcher', () => {
  it('hands rows not yet sent back unattempted and resolves without waiting for their turn', async () => {
    let sends = 0
    const slow: MessagingAdapter = {
      id: 'slow',
      // One send a second: the other rows of the batch wait for their turn when stop() comes.
      limits: { perMinute: 60 },
      canReach: () => true,
      async send() {
        sends++
        return { providerMessageId: null }
      },
    }
    const { loop, buy } = realLoop({ messaging: [slow] })
    await loop.catalog.put(duck)
    for (let i = 0; i < 5; i++) await buy(`b${i}`)
    loop.start()
    await until('the first send', async () => sends === 1)
    const outcome = await Promise.race([
      loop.stop().then(() => 'stopped'),
      new Promise((r) => setTimeout(() => r('still waiting'), 2_500)),
    ])
    expect(outcome).toBe('stopped')
    expect(sends).toBe(1)
    const left = await loop.notify.list({ status: 'pending' })
    expect(left).toHaveLength(4)
    expect(left.every((r) => r.attempts === 0 && r.leaseToken === null)).toBe(true)
  })
})

describe('withDeadline', () => {
  it('passes a result through, and turns a promise that never settles into a retryable timeout', async () => {
    const { withDeadline } = await import('../src/_internal/deadline.js')
    expect(await withDeadline(Promise.resolve(7), 50, 'a quick call')).toBe(7)
    const error = await withDeadline(new Promise(() => {}), 20, 'a hung call').catch((e: unknown) => e)
    expect(isLoopError(error)).toBe(true)
    expect(error).toMatchObject({ code: 'timeout', retryable: true, status: 504 })
    expect((error as Error).message).toBe('[loopkit] [deadline] a hung call did not finish within 20 ms.')
    // A rejection that comes after the deadline is swallowed, not an unhandled rejection.
    const late = new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 30))
    await expect(withDeadline(late, 10, 'late')).rejects.toMatchObject({ code: 'timeout' })
    await new Promise((r) => setTimeout(r, 40))
  })

  it('refuses a background interval or a channel limit that is not a positive number', () => {
    // Checked at createLoop since issue #14.8, not at start(): a typo fails at boot.
    expect(() => realLoop({ background: { dispatchIntervalMs: 0 } })).toThrow(
      expect.objectContaining({ code: 'configuration' }),
    )
    const { loop } = realLoop()
    expect(() => loop.start({ intervalMs: 0 })).toThrow(expect.objectContaining({ code: 'invalid_input' }))
    expect(() => realLoop({ notifications: { channels: { console: { perMinute: -5 } } } })).toThrow(
      expect.objectContaining({ code: 'configuration' }),
    )
    expect(() => realLoop({ notifications: { concurrency: 0 } })).toThrow(/positive number/)
  })
})
