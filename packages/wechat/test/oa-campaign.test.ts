// Campaigns through the official account's mass send (issue #10), against the simulator: one mass
// send per fan-out batch to the followers it reaches, per-customer messages for the rest, the
// clientmsgid dedupe after a crash, the quota, and MASSSENDJOBFINISH counts on the report.
import { loopError, type NotificationPolicy, type StorageAdapter } from '@loopkit/core'
import { consoleMessaging, memoryStorage } from '@loopkit/core/dev'
import { afterEach, describe, expect, it } from 'vitest'
import { clientMsgIdOf, wechatMassSendChannel } from '../src/index.js'
import { type OaWorld, oaWorld } from './oa-harness.js'

let w: OaWorld
afterEach(async () => {
  await w?.close()
})

const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']
const message = { title: '中秋上新', body: '盐水鸭礼盒八折' }

async function world(
  input: {
    storage?: StorageAdapter
    policy?: NotificationPolicy
    sim?: NonNullable<Parameters<typeof oaWorld>[0]>['sim']
  } = {},
) {
  const console_ = consoleMessaging({ log: () => {} })
  const world = await oaWorld({
    mode: 'plaintext',
    ...(input.sim ? { sim: input.sim } : {}),
    ...(input.storage ? { storage: input.storage } : {}),
    loop: ({ tokens }) => ({
      messaging: [wechatMassSendChannel({ tokens }), console_],
      ...(input.policy ? { policy: input.policy } : {}),
    }),
  })
  for (const name of users) if (name !== 'alice' && name !== 'bob') world.sim.open.addUser({ name })
  for (const user of users) await world.sim.oa.follow({ user })
  return { world, console: console_ }
}

/** The mass messages each simulated user received. */
const massBy = (world: OaWorld) => {
  const out: Record<string, number> = {}
  for (const d of world.sim.oa.delivered) if (d.kind === 'mass') out[d.user] = (out[d.user] ?? 0) + 1
  return out
}

describe('campaigns on the mass-send channel', () => {
  it('sends one mass send per batch to the followers; an unfollowed member gets a per-customer message; MASSSENDJOBFINISH counts reach the report', async () => {
    const made = await world()
    w = made.world
    await w.sim.oa.unfollow({ user: 'frank' })
    await w.loop.audiences.define({ id: 'everyone', where: { all: [] } })
    const c = await w.loop.campaigns.create({
      id: 'mid_autumn',
      audience: 'everyone',
      message,
      channelPlan: { channels: ['wechat-mass', 'console'] },
    })
    const done = await w.loop.campaigns.send({ id: c.id, batchSize: 3 })
    expect(done).toMatchObject({ status: 'sent', queued: 6, unreachable: 0 })
    // Two batches of three (members in id order): frank's has two followers, the other three.
    expect(w.sim.oa.jobs.map((j) => j.clientMsgId)).toEqual(['mid_autumn-0', 'mid_autumn-3'])
    expect(w.sim.oa.jobs.map((j) => j.totalCount).sort()).toEqual([2, 3])
    expect(massBy(w)).toEqual({ alice: 1, bob: 1, carol: 1, dave: 1, erin: 1 })
    await w.loop.notify.dispatch()
    expect(made.console.sent.map((m) => m.customerId)).toEqual([(await w.customerOf('frank'))!.id])

    const before = await w.loop.campaigns.report({ id: c.id })
    expect(before.massSend).toEqual({ jobs: 2, recipients: 5, finished: 0, filtered: 0, sent: 0, errors: 0 })
    await w.sim.advance(1_000)
    await w.sim.idle()
    const report = await w.loop.campaigns.report({ id: c.id })
    expect(report.massSend).toEqual({ jobs: 2, recipients: 5, finished: 2, filtered: 5, sent: 5, errors: 0 })
    expect(report).toMatchObject({ sent: 6, failed: 0, byChannel: { 'wechat-mass': 5, console: 1 } })
  })

  it('a fan-out that dies after a mass send resumes without sending it again (clientmsgid → 45065)', async () => {
    const base = memoryStorage()
    let die = true
    const storage: StorageAdapter = {
      ...base,
      async advanceCampaign(input) {
        if (input.set.cursor !== undefined && die) {
          die = false
          throw loopError('memory-storage', 'storage_error', 'the process died here')
        }
        return base.advanceCampaign!(input)
      },
    }
    w = (await world({ storage })).world
    const c = await w.loop.campaigns.create({
      id: 'crash',
      audience: 'followers',
      message,
      channelPlan: { channels: ['wechat-mass'] },
    })
    await expect(w.loop.campaigns.send({ id: c.id, batchSize: 4 })).rejects.toMatchObject({
      code: 'storage_error',
    })
    expect(w.sim.oa.jobs).toHaveLength(1)
    // Within a minute WeChat answers 45066 (retry too fast): retryable, nothing written.
    await expect(w.loop.campaigns.send({ id: c.id, batchSize: 4 })).rejects.toMatchObject({
      code: 'rate_limited',
      retryable: true,
    })
    await w.sim.advance(61_000)
    const done = await w.loop.campaigns.send({ id: c.id, batchSize: 4 })
    expect(done).toMatchObject({ status: 'sent', queued: 6 })
    // The first batch was answered with the first job (45065); the second is new.
    expect(w.sim.oa.jobs.map((j) => j.clientMsgId)).toEqual(['crash-0', 'crash-4'])
    expect(massBy(w)).toEqual(Object.fromEntries(users.map((u) => [u, 1])))
    await w.sim.advance(1_000)
    await w.sim.idle()
    const report = await w.loop.campaigns.report({ id: c.id })
    expect(report.massSend).toMatchObject({ jobs: 2, recipients: 6, finished: 2, sent: 6 })
  })

  it('a fan-out that dies before recording its job still gets the counts: the report that came first lands when the resumed batch records it', async () => {
    const base = memoryStorage()
    let die = true
    const storage: StorageAdapter = {
      ...base,
      async recordBroadcastJob(input) {
        if (die) {
          die = false
          throw loopError('memory-storage', 'storage_error', 'the process died here')
        }
        return base.recordBroadcastJob!(input)
      },
    }
    w = (await world({ storage })).world
    const c = await w.loop.campaigns.create({
      id: 'early',
      audience: 'followers',
      message,
      channelPlan: { channels: ['wechat-mass'] },
    })
    await expect(w.loop.campaigns.send({ id: c.id })).rejects.toMatchObject({ code: 'storage_error' })
    // MASSSENDJOBFINISH arrives while no job of the campaign is recorded.
    await w.sim.advance(61_000)
    await w.sim.idle()
    expect(await w.events('wechat.mass_send_finished')).toHaveLength(1)
    expect(await w.loop.campaigns.send({ id: c.id })).toMatchObject({ status: 'sent', queued: 6 })
    expect(w.sim.oa.jobs).toHaveLength(1)
    expect((await w.loop.campaigns.report({ id: c.id })).massSend).toEqual({
      jobs: 1,
      recipients: 6,
      finished: 1,
      filtered: 6,
      sent: 6,
      errors: 0,
    })
  })

  it('a mass send made outside campaigns lands on no campaign', async () => {
    w = (await world()).world
    const c = await w.loop.campaigns.create({
      id: 'mine',
      audience: 'followers',
      message,
      channelPlan: { channels: ['wechat-mass'] },
    })
    await w.loop.campaigns.send({ id: c.id })
    const { wechatMassSend } = await import('../src/index.js')
    await wechatMassSend({ tokens: w.tokens }).byTag({
      tagId: 'all',
      message: { type: 'text', content: '另一条' },
      clientMsgId: 'outside-1',
    })
    await w.sim.advance(1_000)
    await w.sim.idle()
    expect(await w.events('wechat.mass_send_finished')).toHaveLength(2)
    expect((await w.loop.campaigns.report({ id: c.id })).massSend).toMatchObject({
      jobs: 1,
      finished: 1,
      sent: 6,
    })
  })

  it('a quota refusal (45028) hands the batch to the next channel of the plan, or counts it failed without one', async () => {
    const made = await world({ sim: { oa: { massSendsPerDay: 1 } } })
    w = made.world
    const withFallback = await w.loop.campaigns.create({
      id: 'q1',
      audience: 'followers',
      message,
      channelPlan: { channels: ['wechat-mass', 'console'] },
    })
    await w.loop.campaigns.send({ id: withFallback.id, batchSize: 3 })
    expect(w.sim.oa.jobs).toHaveLength(1)
    await w.loop.notify.dispatch()
    expect(made.console.sent).toHaveLength(3)
    expect(await w.loop.campaigns.report({ id: 'q1' })).toMatchObject({
      fellBack: { quota_exceeded: 3 },
      massSend: { jobs: 1, recipients: 3 },
      byChannel: { console: 3 },
    })

    const alone = await w.loop.campaigns.create({
      id: 'q2',
      audience: 'followers',
      message,
      channelPlan: { channels: ['wechat-mass'] },
    })
    expect(await w.loop.campaigns.send({ id: alone.id })).toMatchObject({ status: 'sent', queued: 6 })
    expect(await w.loop.campaigns.report({ id: 'q2' })).toMatchObject({
      failed: 6,
      fellBack: {},
      massSend: { jobs: 0 },
    })
    expect(w.sim.oa.jobs).toHaveLength(1)
  })

  it('the frequency cap applies per member: a capped follower is left out of the openid list and counted skipped', async () => {
    const day = 86_400_000
    w = (await world({ policy: { classes: { marketing: { caps: [{ max: 1, windowMs: day }] } } } })).world
    const alice = (await w.customerOf('alice'))!
    await w.storage.reserveSend!({
      key: 'earlier-message',
      customerId: alice.id,
      class: 'marketing',
      caps: [{ max: 1, windowMs: day }],
      now: w.sim.now(),
    })
    const c = await w.loop.campaigns.create({
      audience: 'followers',
      message,
      channelPlan: { channels: ['wechat-mass'] },
    })
    await w.loop.campaigns.send({ id: c.id })
    expect(massBy(w)).toEqual({ bob: 1, carol: 1, dave: 1, erin: 1, frank: 1 })
    expect(await w.loop.campaigns.report({ id: c.id })).toMatchObject({
      skipped: { frequency_cap: 1 },
      massSend: { jobs: 1, recipients: 5 },
    })
  })

  it('a broadcast batch is never sent before the campaign is due; long batch keys become stable clientmsgids', async () => {
    w = (await world()).world
    const c = await w.loop.campaigns.create({
      audience: 'followers',
      message,
      channelPlan: { channels: ['wechat-mass'] },
      schedule: { at: w.sim.now() + 3_600_000 },
    })
    await expect(w.loop.campaigns.send({ id: c.id })).rejects.toMatchObject({ code: 'invalid_transition' })
    expect(w.sim.oa.jobs).toEqual([])
    expect(clientMsgIdOf('x'.repeat(64))).toMatch(/^lk[\w-]{30}$/)
    expect(clientMsgIdOf('x'.repeat(64))).toBe(clientMsgIdOf('x'.repeat(64)))
  })
})

describe('follow pushes', () => {
  it('a follow whose storage step fails records nothing (no event without the change); WeChat’s retry applies both once', async () => {
    const base = memoryStorage()
    let fail = true
    const storage: StorageAdapter = {
      ...base,
      async recordActivity(input) {
        if (fail && input.delivery) {
          fail = false
          throw loopError('memory-storage', 'storage_error', 'the process died here')
        }
        return base.recordActivity(input)
      },
    }
    w = await oaWorld({ mode: 'plaintext', storage })
    // The first follow creates the customer, then the follow step fails; WeChat retries the push.
    await w.sim.oa.follow({ user: 'alice' })
    await w.sim.idle()
    expect(fail).toBe(false)
    expect(await w.customerOf('alice')).toMatchObject({ followedAt: expect.any(Number) })
    expect(await w.events('wechat.followed')).toHaveLength(1)
  })
})
