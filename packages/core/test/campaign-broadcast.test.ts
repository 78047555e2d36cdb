// Broadcast channels in the campaign fan-out (issue #10), with a fake vendor: one call per batch under
// a key derived from the batch, per-customer channels for the rest, and no single message ever routed
// to a broadcast channel.
import { type BroadcastInput, loopError, type MessagingAdapter } from '@loopkit/core'
import { consoleMessaging } from '@loopkit/core/dev'
import { describe, expect, it } from 'vitest'
import { testLoop } from './_setup.js'

/** A broadcast channel reaching customers tagged `fan`; `refuse` makes every call a quota refusal. */
function fakeBroadcast(refuse = false) {
  const calls: BroadcastInput[] = []
  const singles: string[] = []
  const channel: MessagingAdapter = {
    id: 'mass',
    canReach: ({ customer }) => customer.tags.includes('fan'),
    async send({ dedupeKey }) {
      singles.push(dedupeKey)
      return { providerMessageId: null }
    },
    broadcast: {
      min: 2,
      max: 3,
      addressOf: ({ customer }) => `addr:${customer.id}`,
      async send(input) {
        calls.push(input)
        if (refuse) throw loopError('vendor', 'quota_exceeded', 'no quota', { retryable: false })
        return { jobId: `job:${input.key}`, duplicate: false }
      },
    },
  }
  return { channel, calls, singles }
}

async function pool(t: ReturnType<typeof testLoop>, fans: number, others: number) {
  for (let i = 0; i < fans + others; i++) {
    const c = await t.customer(`m${String(i).padStart(2, '0')}`)
    if (i < fans) await t.loop.storage.updateCustomer({ id: c.id, addTags: ['fan'], now: t.clock.now() })
    await t.loop.storage.recordActivity({ customerId: c.id, followed: true, now: t.clock.now() })
  }
}

describe('broadcast channels in campaigns', () => {
  it('one call per batch (split at the channel maximum) under keys from the batch; the rest get outbox rows', async () => {
    const mass = fakeBroadcast()
    const messages = consoleMessaging({ log: () => {} })
    const t = testLoop({ messaging: [mass.channel, messages] })
    await pool(t, 5, 2)
    const c = await t.loop.campaigns.create({
      id: 'b1',
      audience: 'followers',
      message: { title: 'Sale', body: 'Duck' },
      channelPlan: { channels: ['mass', 'console'] },
    })
    // One batch of all seven: its five fans split into even shares under the maximum of 3.
    expect(await t.loop.campaigns.send({ id: c.id, batchSize: 7 })).toMatchObject({
      status: 'sent',
      queued: 7,
    })
    expect(mass.calls.map((x) => [x.key, x.addresses.length])).toEqual([
      ['b1-0', 3],
      ['b1-0.1', 2],
    ])
    expect(mass.calls.every((x) => x.message.topic === 'campaign')).toBe(true)
    await t.loop.notify.dispatch()
    expect(messages.sent).toHaveLength(2)
    expect(mass.singles).toEqual([])
    const report = await t.loop.campaigns.report({ id: c.id })
    expect(report.massSend).toMatchObject({ recipients: 5, finished: 0 })
  })

  it('a refused broadcast hands each member to the next channel once; a per-customer failure never falls back onto the broadcast channel', async () => {
    const mass = fakeBroadcast(true)
    const failing: MessagingAdapter = {
      id: 'fragile',
      canReach: () => true,
      async send() {
        throw loopError('vendor', 'recipient_refused', 'refused', { retryable: false })
      },
    }
    const t = testLoop({ messaging: [failing, mass.channel] })
    await pool(t, 4, 0)
    const refused = await t.loop.campaigns.create({
      id: 'r1',
      audience: 'followers',
      message: { title: 'Sale', body: 'Duck' },
      channelPlan: { channels: ['mass', 'fragile'] },
    })
    await t.loop.campaigns.send({ id: refused.id })
    expect(await t.loop.campaigns.report({ id: refused.id })).toMatchObject({
      fellBack: { quota_exceeded: 4 },
      pending: 4,
      massSend: { jobs: 0 },
    })
    // The per-customer rows fail; the broadcast channel is after them in no chain they could take.
    const other = await t.loop.campaigns.create({
      id: 'r2',
      audience: 'followers',
      message: { title: 'Sale 2', body: 'Duck' },
      channelPlan: { channels: ['fragile', 'mass'] },
    })
    await t.loop.campaigns.send({ id: other.id })
    await t.loop.notify.dispatch()
    expect(mass.singles).toEqual([])
    expect(await t.loop.campaigns.report({ id: other.id })).toMatchObject({ failed: 4, sent: 0 })
  })
})
