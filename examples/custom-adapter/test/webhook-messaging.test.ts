import { type Customer, isLoopError, type LoopError, type RenderedMessage } from '@loopkit/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { signBody, verifyBody, webhookMessaging } from '../src/index.js'
import { type Receiver, startReceiver } from './receiver.js'

const SECRET = 'receiver-secret-receiver-secret-0001'

const customer: Customer = {
  id: 'cus_1',
  identities: [{ provider: 'wechat', subject: 'oAbc123' }],
  displayName: 'Ann',
  avatarUrl: null,
  tags: [],
  consents: [],
  referredBy: null,
  followedAt: null,
  unfollowedAt: null,
  lastInteractionAt: null,
  timeZone: null,
  createdAt: 0,
  updatedAt: 0,
}
const message: RenderedMessage = {
  topic: 'order.paid',
  title: 'Payment received',
  body: 'Thanks!',
  fields: {},
}

async function failure(promise: Promise<unknown>): Promise<LoopError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  if (!isLoopError(error)) throw new Error(`expected a LoopError, got ${String(error)}`)
  return error
}

let receiver: Receiver
beforeEach(async () => {
  receiver = await startReceiver(SECRET)
})
afterEach(async () => {
  await receiver.close()
})

const channel = (extra: Partial<Parameters<typeof webhookMessaging>[0]> = {}) =>
  webhookMessaging({ url: receiver.url, secret: SECRET, retryDelayMs: 5, ...extra })

describe('webhookMessaging', () => {
  it('posts the message as signed JSON with the dedupe key as Idempotency-Key', async () => {
    const result = await channel().send({ customer, message, dedupeKey: 'order.paid:ord_1:webhook' })
    expect(result).toEqual({ providerMessageId: 'rcv_1' })
    expect(receiver.inbox).toEqual([
      {
        id: 'order.paid:ord_1:webhook',
        customerId: 'cus_1',
        to: 'wechat:oAbc123',
        topic: 'order.paid',
        title: 'Payment received',
        body: 'Thanks!',
        url: null,
        fields: {},
      },
    ])
    expect(receiver.requests[0]!.idempotencyKey).toBe('order.paid:ord_1:webhook')
  })

  it('retries 503s within the send, with the same Idempotency-Key, and delivers once', async () => {
    receiver.fail(503, 503)
    await channel().send({ customer, message, dedupeKey: 'k-retry' })
    expect(receiver.requests.map((r) => r.idempotencyKey)).toEqual(['k-retry', 'k-retry', 'k-retry'])
    expect(receiver.inbox).toHaveLength(1)
  })

  it('gives up after `attempts` and reports a retryable provider_unavailable', async () => {
    receiver.fail(503, 503, 503)
    const error = await failure(channel({ attempts: 3 }).send({ customer, message, dedupeKey: 'k-down' }))
    expect(error).toMatchObject({ code: 'provider_unavailable', retryable: true, providerCode: '503' })
    expect(receiver.requests).toHaveLength(3)
    expect(receiver.inbox).toHaveLength(0)
  })

  it('treats a timeout as retryable', async () => {
    receiver.stall(1, 1_000)
    const error = await failure(
      channel({ attempts: 1, timeoutMs: 100 }).send({ customer, message, dedupeKey: 'k-slow' }),
    )
    expect(error).toMatchObject({ code: 'provider_unavailable', retryable: true })
  })

  it('treats an unreachable endpoint as retryable', async () => {
    await receiver.close()
    const error = await failure(channel({ attempts: 1 }).send({ customer, message, dedupeKey: 'k-gone' }))
    expect(error).toMatchObject({ code: 'provider_unavailable', retryable: true })
    receiver = await startReceiver(SECRET) // for afterEach
  })

  it.each([
    [422, 'message_invalid'],
    [400, 'message_invalid'],
    [401, 'configuration'],
    [404, 'configuration'],
    [410, 'recipient_refused'],
    [418, 'provider_error'],
  ])('a %i is permanent (%s) and is not retried', async (status, code) => {
    receiver.fail(status)
    const error = await failure(channel().send({ customer, message, dedupeKey: `k-${status}` }))
    expect(error).toMatchObject({ code, retryable: false })
    expect(receiver.requests).toHaveLength(1)
  })

  it('a 429 is retried after Retry-After, and reported as retryable rate_limited if it persists', async () => {
    receiver.fail(429)
    await channel().send({ customer, message, dedupeKey: 'k-429' })
    expect(receiver.inbox).toHaveLength(1)
    receiver.fail(429, 429)
    const error = await failure(channel({ attempts: 2 }).send({ customer, message, dedupeKey: 'k-429b' }))
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true })
  })

  it('never puts the URL or the secret in an error', async () => {
    receiver.fail(401)
    const error = await failure(channel().send({ customer, message, dedupeKey: 'k-leak' }))
    const text = `${error.message} ${JSON.stringify(error.toJSON())}`
    expect(text).not.toContain('tok_9f2c7e1d')
    expect(text).not.toContain(SECRET)
  })

  it('refuses a bad message before sending anything', async () => {
    const bad = { ...message, url: 'javascript:alert(1)' }
    expect(() => channel().validate!({ message: bad })).toThrow(
      expect.objectContaining({ code: 'message_invalid' }),
    )
    await expect(channel().send({ customer, message: bad, dedupeKey: 'k-bad' })).rejects.toMatchObject({
      code: 'message_invalid',
    })
    expect(receiver.requests).toHaveLength(0)
  })

  it('reaches customers with an address, and a custom address function decides who that is', () => {
    expect(channel().canReach({ customer })).toBe(true)
    expect(channel().canReach({ customer: { ...customer, identities: [] } })).toBe(false)
    const phoneOnly = channel({ address: (c) => (c.tags.includes('sms-ok') ? `sms:${c.id}` : null) })
    expect(phoneOnly.canReach({ customer })).toBe(false)
    expect(phoneOnly.canReach({ customer: { ...customer, tags: ['sms-ok'] } })).toBe(true)
  })

  it('checks its options at construction', () => {
    expect(() => webhookMessaging({ url: '', secret: SECRET })).toThrow(
      '[loopkit] [webhook-messaging] Missing required option `url`.',
    )
    expect(() => webhookMessaging({ url: receiver.url, secret: 'short' })).toThrow(
      expect.objectContaining({ code: 'configuration' }),
    )
    expect(() => webhookMessaging({ url: 'ftp://x', secret: SECRET })).toThrow(
      expect.objectContaining({ code: 'configuration' }),
    )
  })
})

describe('signatures', () => {
  const at = Date.parse('2026-11-25T08:00:00Z')

  it('verify the exact bytes within the tolerance', () => {
    const header = signBody({ body: '{"a":1}', secret: SECRET, at })
    expect(verifyBody({ body: '{"a":1}', header, secret: SECRET, now: at + 299_000 })).toBe(true)
    expect(verifyBody({ body: '{"a": 1}', header, secret: SECRET, now: at })).toBe(false)
    expect(verifyBody({ body: '{"a":1}', header, secret: `${SECRET}x`, now: at })).toBe(false)
    expect(verifyBody({ body: '{"a":1}', header, secret: SECRET, now: at + 301_000 })).toBe(false)
    expect(verifyBody({ body: '{"a":1}', header: null, secret: SECRET, now: at })).toBe(false)
  })
})
