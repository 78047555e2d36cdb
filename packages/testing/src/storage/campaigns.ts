import type { Campaign } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import type { SuiteContext } from './context.js'
import { notification, T0 } from './fixtures.js'

/** A draft campaign `cmp_1` created at `T0`, with `over` applied. */
export const campaign = (over: Partial<Campaign> = {}): Campaign => ({
  id: 'cmp_1',
  name: 'Mid-autumn',
  audienceId: 'followers',
  where: { followed: true },
  message: { title: 'Mooncake duck', body: '20% off', fields: {} },
  channels: ['console'],
  sendAt: null,
  status: 'draft',
  cursor: null,
  queued: 0,
  unreachable: 0,
  startedAt: null,
  createdAt: T0,
  updatedAt: T0,
  ...over,
})

/** Campaign storage (issue #10): compare-and-set fan-out with its outbox rows, cancel, row counts. */
export function campaignCases(ctx: SuiteContext): void {
  describe('campaigns (#10)', () => {
    const ops = () => {
      const s = ctx.storage
      if (
        !s.createCampaign ||
        !s.getCampaign ||
        !s.advanceCampaign ||
        !s.cancelCampaign ||
        !s.countCampaignRows
      )
        return null
      return s as Required<typeof s>
    }

    it('stores a campaign once; a second create with its id is a conflict', async (t) => {
      const s = ops()
      if (!s) return t.skip('this adapter has no campaign operations (they are optional)')
      expect(await s.createCampaign({ campaign: campaign() })).toEqual(campaign())
      await expect(s.createCampaign({ campaign: campaign({ name: 'again' }) })).rejects.toMatchObject({
        code: 'conflict',
      })
      expect(await s.getCampaign({ id: 'cmp_1' })).toEqual(campaign())
      expect(await s.getCampaign({ id: 'cmp_none' })).toBeNull()
    })

    it('advances by compare-and-set: a batch and its cursor commit together, a stale cursor writes nothing', async (t) => {
      const s = ops()
      if (!s) return t.skip('this adapter has no campaign operations (they are optional)')
      await s.createCampaign({ campaign: campaign() })
      const started = await s.advanceCampaign({
        id: 'cmp_1',
        expect: { status: 'draft', cursor: null },
        set: { status: 'sending', startedAt: T0 },
        now: T0 + 1,
      })
      expect(started).toMatchObject({ status: 'sending', startedAt: T0, updatedAt: T0 + 1 })
      const batch = [1, 2].map((i) => notification({ dedupeKey: `campaign:cmp_1:cus_${i}:console` }))
      const moved = await Promise.all(
        [0, 1].map(() =>
          s.advanceCampaign({
            id: 'cmp_1',
            expect: { status: 'sending', cursor: null },
            set: { cursor: 'cus_2', queued: 2 },
            now: T0 + 2,
            effects: { outbox: batch },
          }),
        ),
      )
      expect(moved.filter((m) => m !== null)).toHaveLength(1)
      expect(await s.getCampaign({ id: 'cmp_1' })).toMatchObject({
        cursor: 'cus_2',
        queued: 2,
        status: 'sending',
      })
      const stale = notification({ dedupeKey: 'campaign:cmp_1:cus_3:console' })
      expect(
        await s.advanceCampaign({
          id: 'cmp_1',
          expect: { status: 'sending', cursor: null },
          set: { cursor: 'cus_3' },
          now: T0 + 3,
          effects: { outbox: [stale] },
        }),
      ).toBeNull()
      const rows = await s.listNotifications({ limit: 10 })
      expect(rows.map((r) => r.dedupeKey).sort()).toEqual(batch.map((b) => b.dedupeKey).sort())
    })

    it('cancel skips the pending rows no dispatcher holds and counts rows by status, channel and decision', async (t) => {
      const s = ops()
      if (!s) return t.skip('this adapter has no campaign operations (they are optional)')
      await s.createCampaign({ campaign: campaign({ status: 'sent' }) })
      const rows = [1, 2, 3].map((i) => notification({ dedupeKey: `campaign:cmp_1:cus_${i}:console` }))
      // Another campaign whose id extends this one's: its rows are not this campaign's.
      const other = notification({ dedupeKey: 'campaign:cmp_10:cus_1:console' })
      await s.enqueueNotifications({ notifications: [...rows, other], now: T0 })
      const [held] = await s.claimNotifications({ now: T0, limit: 1, leaseMs: 30_000, leaseToken: 'lease' })
      expect(await s.cancelCampaign({ id: 'cmp_1', now: T0 + 5 })).toMatchObject({ status: 'cancelled' })
      expect(await s.cancelCampaign({ id: 'cmp_1', now: T0 + 6 })).toBeNull()
      const counts = await s.countCampaignRows({ id: 'cmp_1' })
      const key = (c: { status: string; decision: string | null }) => `${c.status}/${c.decision}`
      const heldIsOurs = held!.dedupeKey.startsWith('campaign:cmp_1:')
      expect(counts.map((c) => [key(c), c.channel, c.count]).sort()).toEqual(
        (heldIsOurs
          ? [
              ['pending/null', 'console', 1],
              ['skipped/skipped: cancelled', 'console', 2],
            ]
          : [['skipped/skipped: cancelled', 'console', 3]]
        ).sort(),
      )
      expect(await s.countCampaignRows({ id: 'cmp_10' })).toEqual([
        { status: 'pending', channel: 'console', decision: null, count: 1 },
      ])
    })
  })
}
