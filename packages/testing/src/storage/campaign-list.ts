import type { Campaign, StorageAdapter } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { campaign } from './campaigns.js'
import type { SuiteContext } from './context.js'
import { T0 } from './fixtures.js'

type Lister = Required<Pick<StorageAdapter, 'createCampaign' | 'advanceCampaign' | 'listCampaigns'>>

const ids = (cs: Campaign[]) => cs.map((c) => c.id)

/** Campaign list (issue #10): newest first, ties by id, keyset pages, by status. */
export function campaignListCases(ctx: SuiteContext): void {
  describe('campaign list (#10)', () => {
    const ops = (): Lister | null => {
      const s = ctx.storage
      if (!s.createCampaign || !s.advanceCampaign || !s.listCampaigns) return null
      return s as Lister
    }

    it('lists newest first, ties by id (byte order) descending, and pages from a cursor without overlap', async (t) => {
      const s = ops()
      if (!s) return t.skip('this adapter has no campaign list (it is optional)')
      // Three share a creation time; their ids differ in case and '_' so byte order decides.
      const made: Array<[string, number]> = [
        ['cmp_old', T0],
        ['cmp_B', T0 + 5],
        ['cmp_a', T0 + 5],
        ['cmp__', T0 + 5],
        ['cmp_new', T0 + 9],
      ]
      for (const [id, at] of made)
        await s.createCampaign({ campaign: campaign({ id, createdAt: at, updatedAt: at }) })
      expect(ids(await s.listCampaigns({ limit: 10 }))).toEqual([
        'cmp_new',
        'cmp_a',
        'cmp__',
        'cmp_B',
        'cmp_old',
      ])
      const first = await s.listCampaigns({ limit: 2 })
      expect(ids(first)).toEqual(['cmp_new', 'cmp_a'])
      expect(first[1]).toEqual(campaign({ id: 'cmp_a', createdAt: T0 + 5, updatedAt: T0 + 5 }))
      // A campaign created while paging is newer than every cursor: it never shows on a later page.
      await s.createCampaign({
        campaign: campaign({ id: 'cmp_later', createdAt: T0 + 20, updatedAt: T0 + 20 }),
      })
      const second = await s.listCampaigns({ before: { createdAt: T0 + 5, id: 'cmp_a' }, limit: 2 })
      expect(ids(second)).toEqual(['cmp__', 'cmp_B'])
      expect(ids(await s.listCampaigns({ before: { createdAt: T0 + 5, id: 'cmp_B' }, limit: 2 }))).toEqual([
        'cmp_old',
      ])
      expect(await s.listCampaigns({ before: { createdAt: T0, id: 'cmp_old' }, limit: 2 })).toEqual([])
    })

    it('lists one status: a campaign that moves to another status leaves it', async (t) => {
      const s = ops()
      if (!s) return t.skip('this adapter has no campaign list (it is optional)')
      for (const [i, status] of (['draft', 'sent', 'draft', 'cancelled', 'draft'] as const).entries())
        await s.createCampaign({
          campaign: campaign({ id: `cmp_${i}`, status, createdAt: T0 + i, updatedAt: T0 + i }),
        })
      expect(ids(await s.listCampaigns({ status: 'draft', limit: 10 }))).toEqual(['cmp_4', 'cmp_2', 'cmp_0'])
      expect(
        ids(await s.listCampaigns({ status: 'draft', before: { createdAt: T0 + 4, id: 'cmp_4' }, limit: 1 })),
      ).toEqual(['cmp_2'])
      await s.advanceCampaign({
        id: 'cmp_2',
        expect: { status: 'draft', cursor: null },
        set: { status: 'sending', startedAt: T0 + 30 },
        now: T0 + 30,
      })
      expect(ids(await s.listCampaigns({ status: 'draft', limit: 10 }))).toEqual(['cmp_4', 'cmp_0'])
      const sending = await s.listCampaigns({ status: 'sending', limit: 10 })
      expect(sending).toMatchObject([{ id: 'cmp_2', status: 'sending', updatedAt: T0 + 30 }])
      expect(await s.listCampaigns({ status: 'sent', limit: 10 })).toMatchObject([{ id: 'cmp_1' }])
    })
  })
}
