import { loopError, type MessagingAdapter, type StorageAdapter } from '@loopkit/core'
import { consoleMessaging, memoryStorage } from '@loopkit/core/dev'
import { describe, expect, it } from 'vitest'
import { testLoop } from './_setup.js'

const DAY = 86_400_000
const message = (n: number) => ({ title: `Sale ${n}`, body: 'Salted duck, 20% off today' })

/** A pool of `n` followers, and one customer who does not follow. */
async function pool(t: ReturnType<typeof testLoop>, n: number) {
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    const c = await t.customer(`f${i}`)
    await t.loop.storage.recordActivity({ customerId: c.id, followed: true, now: t.clock.now() })
    ids.push(c.id)
  }
  await t.customer('stranger')
  return ids
}

describe('campaigns', () => {
  it('3 campaigns in one day to the same audience with a 1-per-day cap: each member gets exactly one', async () => {
    const t = testLoop({ policy: { classes: { marketing: { caps: [{ max: 1, windowMs: DAY }] } } } })
    const members = await pool(t, 5)
    const ids: string[] = []
    for (const n of [1, 2, 3]) {
      const c = await t.loop.campaigns.create({
        audience: 'followers',
        message: message(n),
        channelPlan: { channels: ['console'] },
      })
      ids.push(c.id)
      expect(await t.loop.campaigns.send({ id: c.id, batchSize: 2 })).toMatchObject({
        status: 'sent',
        queued: 5,
      })
      t.clock.advance(2 * 3_600_000)
      await t.loop.notify.dispatch()
    }
    for (const id of members) expect(t.messages.sent.filter((m) => m.customerId === id)).toHaveLength(1)
    expect(t.messages.sent).toHaveLength(5)
    expect(await t.loop.campaigns.report({ id: ids[0]! })).toMatchObject({
      reach: 5,
      sent: 5,
      failed: 0,
      skipped: {},
      byChannel: { console: 5 },
    })
    for (const id of ids.slice(1))
      expect(await t.loop.campaigns.report({ id })).toMatchObject({
        reach: 5,
        sent: 0,
        skipped: { frequency_cap: 5 },
      })
  })

  it('a campaign sent again is not queued twice; scheduled rows wait for their time', async () => {
    const t = testLoop()
    await pool(t, 3)
    const at = t.clock.now() + 3_600_000
    const c = await t.loop.campaigns.create({
      audience: 'followers',
      message: message(1),
      channelPlan: { channels: ['console'] },
      schedule: { at },
    })
    await t.loop.campaigns.send({ id: c.id })
    await t.loop.campaigns.send({ id: c.id })
    expect(await t.loop.notify.list({})).toHaveLength(3)
    expect(await t.loop.notify.dispatch()).toMatchObject({ claimed: 0 })
    t.clock.advance(3_600_000)
    expect(await t.loop.notify.dispatch()).toMatchObject({ sent: 3 })
  })

  it.each([
    ['routed inside the storage (set-based)', true],
    ['routed member by member', false],
  ])('resumes after a fan-out dies between batches, %s: every member queued exactly once', async (_, setBased) => {
    const base = memoryStorage()
    let failAt = 3
    const died = () => loopError('memory-storage', 'storage_error', 'the process died here')
    const { fanOutCampaign: _setBased, ...perMember } = base
    const storage: StorageAdapter = {
      ...perMember,
      async advanceCampaign(input) {
        if (input.set.cursor !== undefined && --failAt === 0) throw died()
        return base.advanceCampaign!(input)
      },
      ...(setBased
        ? {
            async fanOutCampaign(input) {
              if (--failAt === 0) throw died()
              return base.fanOutCampaign!(input)
            },
          }
        : {}),
    }
    const t = testLoop({ storage })
    const members = await pool(t, 7)
    const c = await t.loop.campaigns.create({
      audience: 'followers',
      message: message(1),
      channelPlan: { channels: ['console'] },
    })
    await expect(t.loop.campaigns.send({ id: c.id, batchSize: 2 })).rejects.toMatchObject({
      code: 'storage_error',
    })
    expect(await t.loop.campaigns.get({ id: c.id })).toMatchObject({ status: 'sending', queued: 4 })
    expect(await t.loop.campaigns.send({ id: c.id, batchSize: 2 })).toMatchObject({
      status: 'sent',
      queued: 7,
    })
    await t.loop.notify.dispatch()
    expect(t.messages.sent.map((m) => m.customerId).sort()).toEqual([...members].sort())
  })

  it('cancel stops a campaign and skips its waiting rows; preview writes nothing', async () => {
    const t = testLoop()
    await pool(t, 4)
    const c = await t.loop.campaigns.create({
      audience: 'followers',
      message: message(1),
      channelPlan: { channels: ['console'] },
    })
    const preview = await t.loop.campaigns.preview({ id: c.id, sample: 2 })
    expect(preview.members).toBe(4)
    expect(preview.sample.map((s) => s.channel)).toEqual(['console', 'console'])
    expect(await t.loop.notify.list({})).toHaveLength(0)
    await t.loop.campaigns.send({ id: c.id })
    await t.loop.campaigns.cancel({ id: c.id })
    expect(await t.loop.notify.dispatch()).toMatchObject({ claimed: 0 })
    expect(await t.loop.campaigns.report({ id: c.id })).toMatchObject({ sent: 0, skipped: { cancelled: 4 } })
    await expect(t.loop.campaigns.cancel({ id: c.id })).rejects.toMatchObject({ code: 'invalid_transition' })
  })

  it('refuses an unknown channel or audience with invalid_input / not_found and stores nothing', async () => {
    const t = testLoop()
    await expect(
      t.loop.campaigns.create({
        id: 'c1',
        audience: 'followers',
        message: message(1),
        channelPlan: { channels: ['pager'] },
      }),
    ).rejects.toMatchObject({ code: 'invalid_input' })
    await expect(
      t.loop.campaigns.create({
        id: 'c1',
        audience: 'nobody',
        message: message(1),
        channelPlan: { channels: ['console'] },
      }),
    ).rejects.toMatchObject({ code: 'not_found' })
    await expect(
      t.loop.campaigns.create({
        id: 'c1',
        audience: 'followers',
        // @ts-expect-error the message needs a body
        message: { title: 'x' },
        channelPlan: { channels: ['console'] },
      }),
    ).rejects.toMatchObject({ code: 'invalid_input' })
    expect(await t.loop.campaigns.get({ id: 'c1' })).toBeNull()
  })
})

describe('campaign preview: where the whole audience would go', () => {
  /** A followers-only channel; with `filter`, it says whom it reaches as an audience filter. */
  const template = (filter: boolean): MessagingAdapter => ({
    id: 'template',
    canReach: ({ customer }) => customer.followedAt !== null,
    send: async () => ({ providerMessageId: null }),
    ...(filter ? { reach: () => ({ followed: true }) } : {}),
  })

  for (const filter of [true, false]) {
    it(`${filter ? 'counted by the storage from reach filters' : 'routed one by one'}: matches what the send queues`, async () => {
      const base = memoryStorage()
      let counts = 0
      const storage: StorageAdapter = {
        ...base,
        countCustomers: (input) => {
          counts++
          return base.countCustomers(input)
        },
      }
      const t = testLoop({ storage, messaging: [template(filter), consoleMessaging({ log: () => {} })] })
      await pool(t, 5) // 5 followers and a stranger
      await t.loop.audiences.define({ id: 'everyone', where: { all: [] } })
      const both = await t.loop.campaigns.create({
        audience: 'everyone',
        message: message(1),
        channelPlan: { channels: ['template', 'console'] },
      })
      const only = await t.loop.campaigns.create({
        audience: 'everyone',
        message: message(2),
        channelPlan: { channels: ['template'] },
      })
      expect((await t.loop.campaigns.preview({ id: both.id })).routing).toEqual({
        byChannel: { template: 5, console: 1 },
        unreachable: 0,
        exact: true,
      })
      // Counted by the storage: the audience, then one count per channel; routed one by one: the audience only.
      expect(counts).toBe(filter ? 3 : 1)
      expect((await t.loop.campaigns.preview({ id: only.id })).routing).toEqual({
        byChannel: { template: 5 },
        unreachable: 1,
        exact: true,
      })
      // The preview wrote nothing; the send then queues exactly what it said.
      expect(await t.loop.notify.list({})).toEqual([])
      await t.loop.campaigns.send({ id: both.id })
      const rows = await t.loop.notify.list({})
      expect(rows.filter((r) => r.channel === 'template')).toHaveLength(5)
      expect(rows.filter((r) => r.channel === 'console')).toHaveLength(1)
      expect(await t.loop.campaigns.send({ id: only.id })).toMatchObject({ queued: 5, unreachable: 1 })
    })
  }
})
