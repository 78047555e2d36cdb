import { createLoop, type StorageAdapter } from '@loopkit/core'
import { consoleMessaging, memoryStorage } from '@loopkit/core/dev'
import { afterEach, describe, expect, it } from 'vitest'
import { SECRET, testLoop } from './_setup.js'

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

describe('scheduled campaigns', () => {
  it('are started by the background loop when due by the loop clock, exactly once across three instances', async () => {
    const storage = memoryStorage()
    let time = Date.parse('2026-11-25T08:00:00Z')
    const now = () => time
    const instances = [0, 1, 2].map(() =>
      createLoop({
        secret: SECRET,
        baseUrl: 'http://shop.test/loop',
        storage,
        now,
        messaging: [consoleMessaging({ log: () => {} })],
        onError: () => {},
      }),
    )
    const [first] = instances
    for (let i = 0; i < 25; i++) {
      const { customer } = await first!.customers.login({
        profile: { provider: 'sandbox', subject: `f${i}` },
      })
      await storage.recordActivity({ customerId: customer.id, followed: true, now: time })
    }
    const at = time + 3_600_000
    const c = await first!.campaigns.create({
      id: 'dawn',
      audience: 'followers',
      message: { title: 'Dawn sale', body: 'Salted duck at 9' },
      channelPlan: { channels: ['console'] },
      schedule: { at },
    })
    for (const loop of instances) {
      loop.start({ intervalMs: 5 })
      stops.push(() => loop.stop())
    }
    // Passes run, but the loop clock has not reached `at`: nothing starts.
    await new Promise((r) => setTimeout(r, 100))
    expect(await first!.campaigns.get({ id: c.id })).toMatchObject({ status: 'draft', queued: 0 })
    time = at
    const sent = await until('the fan-out', async () => {
      const x = await first!.campaigns.get({ id: c.id })
      return x?.status === 'sent' && x
    })
    expect(sent).toMatchObject({ queued: 25, startedAt: at })
    const started = await first!.analytics.events({ types: ['campaign.started'] })
    expect(started).toHaveLength(1)
    expect(await first!.notify.list({ limit: 100 })).toHaveLength(25)
  })

  it('resumes a fan-out orphaned by a crash once it is stale; a campaign without a schedule waits for send()', async () => {
    let failing = true
    const base = memoryStorage()
    const storage: StorageAdapter = {
      ...base,
      // The instance dies after the first batch (member by member, or set-based: console reaches everyone).
      async advanceCampaign(input) {
        if (failing && input.expect.cursor !== null) throw new Error('crash')
        return base.advanceCampaign!(input)
      },
      async fanOutCampaign(input) {
        if (failing && input.expect.cursor !== null) throw new Error('crash')
        return base.fanOutCampaign!(input)
      },
    }
    const t = testLoop({ storage })
    for (let i = 0; i < 6; i++) {
      const c = await t.customer(`m${i}`)
      await storage.recordActivity({ customerId: c.id, followed: true, now: t.clock.now() })
    }
    const manual = await t.loop.campaigns.create({
      audience: 'followers',
      message: { title: 'Manual', body: 'When I say so' },
      channelPlan: { channels: ['console'] },
    })
    const c = await t.loop.campaigns.create({
      audience: 'followers',
      message: { title: 'Crash', body: 'Half sent' },
      channelPlan: { channels: ['console'] },
    })
    await expect(t.loop.campaigns.send({ id: c.id, batchSize: 2 })).rejects.toThrow('crash')
    expect(await t.loop.campaigns.get({ id: c.id })).toMatchObject({ status: 'sending', queued: 2 })
    failing = false
    t.loop.start({ intervalMs: 5 })
    stops.push(() => t.loop.stop())
    await new Promise((r) => setTimeout(r, 100))
    expect(await t.loop.campaigns.get({ id: c.id })).toMatchObject({ status: 'sending', queued: 2 })
    t.clock.advance(5 * 60_000 + 1)
    await until(
      'the resumed fan-out',
      async () => (await t.loop.campaigns.get({ id: c.id }))?.status === 'sent',
    )
    expect(await t.loop.campaigns.get({ id: c.id })).toMatchObject({ queued: 6 })
    expect(await t.loop.campaigns.get({ id: manual.id })).toMatchObject({ status: 'draft', queued: 0 })
  })
})
