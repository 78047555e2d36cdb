import type { BroadcastJob, Campaign, FanOutInput, StorageAdapter } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import type { SuiteContext } from './context.js'
import { notification, profile, T0 } from './fixtures.js'

const campaign = (over: Partial<Campaign> = {}): Campaign => ({
  id: 'cmp_f',
  name: null,
  audienceId: 'followers',
  where: { followed: true },
  message: { title: 'Mooncake duck', body: '20% off', fields: {} },
  channels: ['wechat', 'console'],
  sendAt: null,
  status: 'sending',
  cursor: null,
  queued: 0,
  unreachable: 0,
  startedAt: T0,
  createdAt: T0,
  updatedAt: T0,
  ...over,
})

const job = (over: Partial<BroadcastJob> = {}): BroadcastJob => ({
  key: 'cmp_b-0',
  campaignId: 'cmp_b',
  channel: 'wechat-mass',
  offset: 0,
  jobId: 'wechat-mass:wx1:1000001',
  status: 'submitted',
  recipients: 2,
  error: null,
  skipped: { frequency_cap: 1 },
  fellBack: 0,
  failed: 0,
  outcome: null,
  createdAt: T0,
  updatedAt: T0,
  ...over,
})

const outcome = { status: 'send success', total: 2, filtered: 2, sent: 2, errors: 0 }

/**
 * Eight customers in id order: followers with a WeChat identity, followers without one, and some
 * who do not follow. Returns their ids by kind.
 */
async function pool(s: StorageAdapter) {
  const kinds = ['wx', 'plain', 'wx', 'gone', 'wx', 'plain', 'gone', 'wx'] as const
  const byKind: Record<(typeof kinds)[number], string[]> = { wx: [], plain: [], gone: [] }
  for (const [i, kind] of kinds.entries()) {
    const id = `cus_f${i}`
    await s.upsertCustomer({
      id,
      profile: kind === 'wx' ? profile({ provider: 'wechat' }) : profile(),
      now: T0,
    })
    if (kind !== 'gone') await s.recordActivity({ customerId: id, followed: true, now: T0 })
    byKind[kind].push(id)
  }
  return byKind
}

/** Set-based campaign fan-out and broadcast jobs (issue #10), optional operations. */
export function campaignDeliveryCases(ctx: SuiteContext): void {
  describe('campaign delivery (#10)', () => {
    const fanOutOps = () => {
      const s = ctx.storage
      return s.fanOutCampaign && s.createCampaign && s.getCampaign ? (s as Required<typeof s>) : null
    }
    const jobOps = () => {
      const s = ctx.storage
      return s.recordBroadcastJob && s.finishBroadcastJob && s.listBroadcastJobs
        ? (s as Required<typeof s>)
        : null
    }
    const input = (over: Partial<FanOutInput> = {}): FanOutInput => ({
      id: 'cmp_f',
      expect: { cursor: null },
      where: { followed: true },
      now: T0,
      limit: 2,
      routes: [
        { channel: 'wechat', reach: { provider: 'wechat' } },
        { channel: 'console', reach: { tag: 'console' } },
      ],
      message: {
        topic: 'campaign',
        title: 'Mooncake duck',
        body: '20% off',
        fields: {},
        chain: ['wechat', 'console'],
      },
      nextAttemptAt: null,
      at: T0 + 5,
      ...over,
    })

    it('fans a campaign out batch by batch: one row per member on the first route that reaches them, cursor and counters in the same step', async (t) => {
      const s = fanOutOps()
      if (!s) return t.skip('this adapter has no set-based fan-out (it is optional)')
      const kinds = await pool(s)
      await s.updateCustomer({ id: kinds.plain[0]!, addTags: ['console'], now: T0 })
      await s.createCampaign({ campaign: campaign() })
      let c = (await s.getCampaign({ id: 'cmp_f' }))!
      const cursors: Array<string | null> = []
      while (c.status === 'sending') {
        const next = await s.fanOutCampaign(
          input({ expect: { cursor: c.cursor }, at: T0 + 5 + cursors.length }),
        )
        expect(next).not.toBeNull()
        c = next!
        cursors.push(c.cursor)
      }
      // Six followers, two a batch: the last batch ends the fan-out.
      expect(cursors).toEqual(['cus_f1', 'cus_f4', null])
      expect(c).toMatchObject({ status: 'sent', cursor: null, queued: 5, unreachable: 1 })
      const rows = await s.listNotifications({ limit: 100 })
      expect(rows.map((r) => [r.customerId, r.channel, r.dedupeKey, r.status]).sort()).toEqual(
        [
          ...kinds.wx.map((id) => [id, 'wechat', `campaign:cmp_f:${id}:wechat`, 'pending']),
          [kinds.plain[0], 'console', `campaign:cmp_f:${kinds.plain[0]}:console`, 'pending'],
        ].sort(),
      )
      expect(rows[0]!.message).toEqual(input().message)
      expect(
        rows.every(
          (r) => r.nextAttemptAt === T0 + 5 || r.nextAttemptAt === T0 + 6 || r.nextAttemptAt === T0 + 7,
        ),
      ).toBe(true)
      expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length)
    })

    it('a stale cursor writes nothing; a scheduled campaign holds its rows until its time', async (t) => {
      const s = fanOutOps()
      if (!s) return t.skip('this adapter has no set-based fan-out (it is optional)')
      await pool(s)
      await s.createCampaign({ campaign: campaign() })
      const first = await s.fanOutCampaign(input({ nextAttemptAt: T0 + 3_600_000 }))
      expect(first).toMatchObject({ cursor: 'cus_f1', queued: 1, unreachable: 1 })
      expect(await s.fanOutCampaign(input())).toBeNull()
      expect(await s.fanOutCampaign(input({ expect: { cursor: 'cus_f0' } }))).toBeNull()
      const rows = await s.listNotifications({ limit: 100 })
      expect(rows.map((r) => [r.customerId, r.nextAttemptAt])).toEqual([['cus_f0', T0 + 3_600_000]])
      // Not sending (cancelled): nothing.
      await s.cancelCampaign({ id: 'cmp_f', now: T0 + 9 })
      expect(await s.fanOutCampaign(input({ expect: { cursor: 'cus_f1' } }))).toBeNull()
      expect(await s.listNotifications({ limit: 100 })).toHaveLength(1)
    })

    it('two instances racing on one batch: one writes it, the other gets null; no route reaches: all unreachable', async (t) => {
      const s = fanOutOps()
      if (!s) return t.skip('this adapter has no set-based fan-out (it is optional)')
      await pool(s)
      await s.createCampaign({ campaign: campaign() })
      const raced = await Promise.all([
        s.fanOutCampaign(input({ limit: 10 })),
        s.fanOutCampaign(input({ limit: 10 })),
      ])
      expect(raced.filter((r) => r !== null)).toEqual([
        expect.objectContaining({ status: 'sent', queued: 4, unreachable: 2 }),
      ])
      expect(await s.listNotifications({ limit: 100 })).toHaveLength(4)
      await s.createCampaign({ campaign: campaign({ id: 'cmp_g' }) })
      expect(await s.fanOutCampaign(input({ id: 'cmp_g', routes: [], limit: 10 }))).toMatchObject({
        status: 'sent',
        queued: 0,
        unreachable: 6,
      })
      expect(await s.listNotifications({ limit: 100 })).toHaveLength(4)
    })

    it('a member whose row is already in the outbox gets no second one; the rest of the batch is written', async (t) => {
      const s = fanOutOps()
      if (!s) return t.skip('this adapter has no set-based fan-out (it is optional)')
      const kinds = await pool(s)
      await s.createCampaign({ campaign: campaign() })
      // Written before (the member-by-member path, or a batch whose cursor was lost): same dedupe key.
      const dup = kinds.wx[1]!
      await s.enqueueNotifications({
        notifications: [
          notification({ customerId: dup, channel: 'wechat', dedupeKey: `campaign:cmp_f:${dup}:wechat` }),
        ],
        now: T0,
      })
      const done = await s.fanOutCampaign(input({ limit: 10 }))
      expect(done).toMatchObject({ status: 'sent', cursor: null, queued: 4, unreachable: 2 })
      const rows = await s.listNotifications({ limit: 100 })
      expect(rows.map((r) => r.dedupeKey).sort()).toEqual(
        kinds.wx.map((id) => `campaign:cmp_f:${id}:wechat`).sort(),
      )
      // The earlier row is kept as it was.
      expect(rows.find((r) => r.customerId === dup)!.message.topic).toBe('order.paid')
    })

    it('records a broadcast job once per batch key and lists a campaign’s jobs by offset', async (t) => {
      const s = jobOps()
      if (!s) return t.skip('this adapter has no broadcast jobs (they are optional)')
      const later = job({ key: 'cmp_b-1000', offset: 1000, jobId: 'wechat-mass:wx1:1000002' })
      expect(await s.recordBroadcastJob({ job: later })).toEqual({ job: later, created: true })
      expect(await s.recordBroadcastJob({ job: job() })).toEqual({ job: job(), created: true })
      expect(await s.recordBroadcastJob({ job: job({ recipients: 99 }) })).toEqual({
        job: job(),
        created: false,
      })
      const refused = job({
        key: 'cmp_c-0',
        campaignId: 'cmp_c',
        jobId: null,
        status: 'refused',
        error: 'quota_exceeded',
        fellBack: 2,
      })
      await s.recordBroadcastJob({ job: refused })
      expect(await s.listBroadcastJobs({ campaignId: 'cmp_b' })).toEqual([job(), later])
      expect(await s.listBroadcastJobs({ campaignId: 'cmp_c' })).toEqual([refused])
      expect(await s.listBroadcastJobs({ campaignId: 'cmp_none' })).toEqual([])
    })

    it('a delivery report lands on its job; one that comes before its job lands when the job is recorded', async (t) => {
      const s = jobOps()
      if (!s) return t.skip('this adapter has no broadcast jobs (they are optional)')
      await s.recordBroadcastJob({ job: job() })
      const finished = { ...job(), status: 'finished', outcome, updatedAt: T0 + 60_000 }
      expect(await s.finishBroadcastJob({ jobId: job().jobId!, outcome, now: T0 + 60_000 })).toEqual(finished)
      expect(await s.finishBroadcastJob({ jobId: job().jobId!, outcome, now: T0 + 60_000 })).toEqual(finished)
      expect(await s.listBroadcastJobs({ campaignId: 'cmp_b' })).toEqual([finished])
      // The report of a job not recorded yet (a resumed batch): kept, then put on the job.
      const early = job({ key: 'cmp_b-2', offset: 2, jobId: 'wechat-mass:wx1:1000009' })
      expect(await s.finishBroadcastJob({ jobId: early.jobId!, outcome, now: T0 + 1 })).toBeNull()
      expect(await s.recordBroadcastJob({ job: early })).toEqual({
        job: { ...early, status: 'finished', outcome, updatedAt: T0 + 1 },
        created: true,
      })
      // A different job with no report stays submitted.
      const other = job({ key: 'cmp_b-4', offset: 4, jobId: 'wechat-mass:wx1:1000010' })
      expect((await s.recordBroadcastJob({ job: other })).job.status).toBe('submitted')
    })
  })
}
