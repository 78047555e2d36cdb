import {
  loopError,
  type MessagingAdapter,
  type NewNotification,
  quietUntil,
  type RenderedMessage,
  type SendInput,
} from '@loopkit/core'
import { consoleMessaging } from '@loopkit/core/dev'
import { describe, expect, it } from 'vitest'
import { duck, testLoop } from './_setup.js'

const DAY = 86_400_000

/** A channel that records what it was asked to send and answers with `fail` when given. */
function recording(id: string, fail?: () => Error): MessagingAdapter & { sent: SendInput[] } {
  const sent: SendInput[] = []
  return {
    id,
    sent,
    canReach: () => true,
    async send(input) {
      if (fail) throw fail()
      sent.push(input)
      return { providerMessageId: `${id}-${sent.length}` }
    },
  }
}

const promo = (n: number): RenderedMessage => ({
  topic: 'campaign',
  title: `Sale ${n}`,
  body: 'Salted duck, 20% off today',
  fields: {},
})

/** What a campaign writes: one marketing row per customer, keyed by the campaign. */
const rows = (n: number, customerIds: string[], channel = 'console'): NewNotification[] =>
  customerIds.map((customerId) => ({
    id: `ntf_${n}_${customerId}`,
    dedupeKey: `campaign:c${n}:${customerId}:${channel}`,
    channel,
    customerId,
    message: promo(n),
  }))

describe('notification policy', () => {
  it('3 marketing sends in one day to the same customers with a 1-per-day cap: each gets exactly one', async () => {
    const t = testLoop({ policy: { classes: { marketing: { caps: [{ max: 1, windowMs: DAY }] } } } })
    const ids = [(await t.customer('ann')).id, (await t.customer('bob')).id, (await t.customer('cy')).id]
    for (const n of [1, 2, 3]) {
      await t.loop.storage.enqueueNotifications({ notifications: rows(n, ids), now: t.clock.now() })
      t.clock.advance(3_600_000)
      await t.loop.notify.dispatch()
    }
    for (const id of ids) expect(t.messages.sent.filter((m) => m.customerId === id)).toHaveLength(1)
    expect(t.messages.sent.map((m) => m.message.title)).toEqual(['Sale 1', 'Sale 1', 'Sale 1'])
    const skipped = await t.loop.notify.list({ status: 'skipped' })
    expect(skipped).toHaveLength(6)
    expect(new Set(skipped.map((r) => r.decision))).toEqual(new Set(['skipped: frequency_cap']))

    // A day after the first send, the cap has room again.
    t.clock.advance(DAY)
    await t.loop.storage.enqueueNotifications({ notifications: rows(4, ids), now: t.clock.now() })
    expect(await t.loop.notify.dispatch()).toMatchObject({ sent: 3, skipped: 0 })
  })

  it('a message whose chain ran out on failures gives its cap reservation back', async () => {
    let down = true
    const wechat = recording('template', () =>
      down
        ? loopError('wechat', 'provider_error', 'WeChat 40003: invalid openid.', { retryable: false })
        : new Error(),
    )
    const t = testLoop({
      messaging: [wechat],
      policy: {
        classes: { marketing: { caps: [{ max: 1, windowMs: DAY }] } },
        topics: { campaign: { chain: ['template'] } },
      },
    })
    const ann = (await t.customer('ann')).id
    await t.loop.storage.enqueueNotifications({
      notifications: rows(1, [ann], 'template'),
      now: t.clock.now(),
    })
    expect(await t.loop.notify.dispatch()).toMatchObject({ dead: 1 })
    // Sale 1 reached nobody: Sale 2 the same day still may.
    down = false
    wechat.send = async (input) => {
      wechat.sent.push(input)
      return { providerMessageId: 'ok' }
    }
    t.clock.advance(3_600_000)
    await t.loop.storage.enqueueNotifications({
      notifications: rows(2, [ann], 'template'),
      now: t.clock.now(),
    })
    expect(await t.loop.notify.dispatch()).toMatchObject({ sent: 1, skipped: 0 })
    expect(wechat.sent.map((m) => m.message.title)).toEqual(['Sale 2'])
    // And the cap still holds for a third.
    await t.loop.storage.enqueueNotifications({
      notifications: rows(3, [ann], 'template'),
      now: t.clock.now(),
    })
    expect(await t.loop.notify.dispatch()).toMatchObject({ sent: 0, skipped: 1 })
  })

  it('transactional topics are exempt from the marketing cap', async () => {
    const t = testLoop({ policy: { classes: { marketing: { caps: [{ max: 0, windowMs: DAY }] } } } })
    await t.loop.catalog.put(duck)
    const c = await t.customer('ann')
    const { order } = await t.loop.checkout({ customerId: c.id, lines: [{ skuId: 'duck', quantity: 1 }] })
    await t.loop.fetch(await t.sandbox.pay({ orderNumber: order.number }))
    await t.loop.storage.enqueueNotifications({ notifications: rows(1, [c.id]), now: t.clock.now() })
    expect(await t.loop.notify.dispatch()).toMatchObject({ sent: 1, skipped: 1 })
    expect(t.messages.sent.map((m) => m.message.topic)).toEqual(['order.paid'])
  })

  it('a message due in quiet hours is deferred to the morning in the customer’s zone, then sent', async () => {
    const t = testLoop({
      policy: { classes: { marketing: { quietHours: { start: '21:00', end: '08:00' } } } },
    })
    // The clock starts at 08:00 UTC: 03:00 in New York, 16:00 in Shanghai.
    const ny = await t.customer('ny')
    await t.loop.customers.setTimeZone({ id: ny.id, timeZone: 'America/New_York' })
    const sh = await t.customer('sh')
    await t.loop.customers.setTimeZone({ id: sh.id, timeZone: 'Asia/Shanghai' })
    await t.loop.storage.enqueueNotifications({ notifications: rows(1, [ny.id, sh.id]), now: t.clock.now() })

    expect(await t.loop.notify.dispatch()).toMatchObject({ sent: 1, released: 1 })
    expect(t.messages.sent.map((m) => m.customerId)).toEqual([sh.id])
    const [deferred] = await t.loop.notify.list({ customerId: ny.id })
    expect(deferred).toMatchObject({
      status: 'pending',
      decision: 'deferred: quiet_hours',
      attempts: 0,
      // 08:00 in New York on 25 November (EST, UTC−5).
      nextAttemptAt: Date.parse('2026-11-25T13:00:00Z'),
    })

    t.clock.advance(4 * 3_600_000) // 07:00 in New York: not yet due
    expect(await t.loop.notify.dispatch()).toMatchObject({ claimed: 0 })
    t.clock.advance(3_600_000)
    expect(await t.loop.notify.dispatch()).toMatchObject({ sent: 1 })
    expect(t.messages.sent.map((m) => m.customerId)).toEqual([sh.id, ny.id])
  })

  it('quiet hours end on the local wall clock across a DST change', () => {
    const quiet = { start: '21:00', end: '08:00' }
    // 2026-03-08: New York springs forward at 02:00. 01:30 EST → 08:00 EDT = 12:00 UTC.
    expect(quietUntil({ at: Date.parse('2026-03-08T06:30:00Z'), timeZone: 'America/New_York', quiet })).toBe(
      Date.parse('2026-03-08T12:00:00Z'),
    )
    // 2026-11-01: falls back at 02:00. 23:00 EDT the day before → 08:00 EST = 13:00 UTC.
    expect(quietUntil({ at: Date.parse('2026-11-01T03:00:00Z'), timeZone: 'America/New_York', quiet })).toBe(
      Date.parse('2026-11-01T13:00:00Z'),
    )
    // Outside the window: not quiet.
    expect(quietUntil({ at: Date.parse('2026-03-08T15:00:00Z'), timeZone: 'America/New_York', quiet })).toBe(
      null,
    )
  })

  it('a fallback chain falls back exactly once on 43101 (recipient_refused)', async () => {
    const subscribe = recording('subscribe', () =>
      loopError('wechat', 'recipient_refused', 'WeChat 43101: the user refused this message.'),
    )
    const template = recording('template')
    const last = consoleMessaging({ id: 'console', log: () => {} })
    const t = testLoop({
      messaging: [subscribe, template, last],
      policy: { topics: { 'order.paid': { chain: ['subscribe', 'template', 'console'] } } },
    })
    await t.loop.catalog.put(duck)
    const c = await t.customer('ann')
    const { order } = await t.loop.checkout({ customerId: c.id, lines: [{ skuId: 'duck', quantity: 1 }] })
    await t.loop.fetch(await t.sandbox.pay({ orderNumber: order.number }))

    // Only the chain's first channel is queued.
    expect((await t.loop.notify.list({})).map((r) => r.channel)).toEqual(['subscribe'])
    expect(await t.loop.notify.dispatch()).toMatchObject({ claimed: 1, dead: 1 })
    expect(await t.loop.notify.dispatch()).toMatchObject({ claimed: 1, sent: 1 })
    expect(await t.loop.notify.dispatch()).toMatchObject({ claimed: 0 })

    const all = await t.loop.notify.list({})
    expect(all.map((r) => [r.channel, r.status, r.decision])).toEqual([
      ['subscribe', 'dead', 'fell_back: recipient_refused'],
      ['template', 'sent', null],
    ])
    expect(all[1]!.dedupeKey).toBe(`order.paid:${order.id}:template`)
    expect(template.sent).toHaveLength(1)
    expect(last.sent).toHaveLength(0)
  })

  it('an unfollowed customer gets nothing on a followers-only channel; the chain moves on', async () => {
    const template = recording('template')
    const last = consoleMessaging({ id: 'console', log: () => {} })
    const t = testLoop({
      messaging: [template, last],
      policy: {
        topics: { campaign: { chain: ['template', 'console'] } },
        channels: { template: { followersOnly: true } },
      },
    })
    const c = await t.customer('ann')
    await t.loop.storage.recordActivity({ customerId: c.id, followed: true, now: t.clock.now() })
    await t.loop.storage.enqueueNotifications({
      notifications: rows(1, [c.id], 'template'),
      now: t.clock.now(),
    })
    // Unfollowed between queueing and sending.
    await t.loop.storage.recordActivity({ customerId: c.id, followed: false, now: t.clock.now() })
    await t.loop.notify.dispatch()
    await t.loop.notify.dispatch()
    expect(template.sent).toHaveLength(0)
    expect(last.sent).toHaveLength(1)
    const [first] = await t.loop.notify.list({ customerId: c.id })
    expect(first).toMatchObject({ channel: 'template', status: 'skipped', decision: 'fell_back: unfollowed' })
  })

  it('refuses a chain naming an unknown channel at createLoop', () => {
    expect(() => testLoop({ policy: { topics: { 'order.paid': { chain: ['pager'] } } } })).toThrow(
      expect.objectContaining({ code: 'configuration' }),
    )
  })
})
