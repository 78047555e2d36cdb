import type { Campaign, CampaignVisit, StorageAdapter } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import type { SuiteContext } from './context.js'
import { event, id, order, payment, profile, refund, sku, T0 } from './fixtures.js'

const MIN = 60_000

const campaign = (over: Partial<Campaign> = {}): Campaign => ({
  id: id('cmp'),
  name: null,
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

const visit = (over: Partial<CampaignVisit> & { campaignId: string }): CampaignVisit => ({
  id: id('cvi'),
  visitorKey: id('vk'),
  customerId: null,
  at: T0,
  ...over,
})

type Ops = Required<
  Pick<
    StorageAdapter,
    | 'createCampaign'
    | 'advanceCampaign'
    | 'dueCampaigns'
    | 'recordCampaignVisit'
    | 'claimCampaignVisits'
    | 'lastCampaignVisit'
    | 'campaignResults'
  >
> &
  StorageAdapter

/** Campaign links (issue #10): visits, their claim at login, last touch, results, due campaigns. */
export function campaignLinkCases(ctx: SuiteContext): void {
  describe('campaign links (#10)', () => {
    const ops = (): Ops | null => {
      const s = ctx.storage
      const names = [
        'createCampaign',
        'advanceCampaign',
        'dueCampaigns',
        'recordCampaignVisit',
        'claimCampaignVisits',
        'lastCampaignVisit',
        'campaignResults',
      ] as const
      return names.every((n) => typeof s[n] === 'function') ? (s as Ops) : null
    }
    const skip = 'this adapter has no campaign-link operations (they are optional)'

    it("records visits with their event; the last visit is the customer's or the unclaimed browser's, inside the window", async (t) => {
      const s = ops()
      if (!s) return t.skip(skip)
      const c = await s.createCampaign({ campaign: campaign() })
      const browser = 'browser-1'
      const first = visit({ campaignId: c.id, visitorKey: browser, at: T0 })
      const e = event({ type: 'campaign.visited', data: { campaignId: c.id, visitor: 'v1' } })
      expect(await s.recordCampaignVisit({ visit: first, effects: { events: [e] } })).toEqual(first)
      expect((await s.listEvents({ types: ['campaign.visited'], limit: 10 })).map((x) => x.id)).toEqual([
        e.id,
      ])
      // Before login: found by the browser only.
      expect(await s.lastCampaignVisit({ customerId: 'cus_a', visitorKey: browser, since: T0 })).toEqual(
        first,
      )
      expect(await s.lastCampaignVisit({ customerId: 'cus_a', visitorKey: null, since: T0 })).toBeNull()
      expect(
        await s.lastCampaignVisit({ customerId: 'cus_a', visitorKey: browser, since: T0 + 1 }),
      ).toBeNull()
      // At login the browser's visits become the customer's, once.
      expect(await s.claimCampaignVisits({ visitorKey: browser, customerId: 'cus_a' })).toEqual({
        claimed: 1,
      })
      expect(await s.claimCampaignVisits({ visitorKey: browser, customerId: 'cus_b' })).toEqual({
        claimed: 0,
      })
      expect(await s.lastCampaignVisit({ customerId: 'cus_a', since: T0 })).toEqual({
        ...first,
        customerId: 'cus_a',
      })
      // Another customer on the same browser does not inherit cus_a's visit.
      expect(await s.lastCampaignVisit({ customerId: 'cus_b', visitorKey: browser, since: T0 })).toBeNull()
      const later = visit({ campaignId: c.id, customerId: 'cus_a', at: T0 + 5 * MIN })
      await s.recordCampaignVisit({ visit: later })
      expect(await s.lastCampaignVisit({ customerId: 'cus_a', since: T0 })).toEqual(later)
    })

    it('counts clicks as distinct people, and orders, buyers and net revenue of paid orders only', async (t) => {
      const s = ops()
      if (!s) return t.skip(skip)
      const c = await s.createCampaign({ campaign: campaign() })
      const other = await s.createCampaign({ campaign: campaign() })
      expect(await s.campaignResults({ id: c.id })).toEqual({ clicks: 0, orders: 0, buyers: 0, revenue: {} })
      // cus_a twice (a replayed link), one browser twice, then claimed by cus_b; one anonymous browser.
      await s.recordCampaignVisit({ visit: visit({ campaignId: c.id, customerId: 'cus_a' }) })
      await s.recordCampaignVisit({ visit: visit({ campaignId: c.id, customerId: 'cus_a', at: T0 + 1 }) })
      await s.recordCampaignVisit({ visit: visit({ campaignId: c.id, visitorKey: 'b2' }) })
      await s.recordCampaignVisit({ visit: visit({ campaignId: c.id, visitorKey: 'b2', at: T0 + 2 }) })
      await s.recordCampaignVisit({ visit: visit({ campaignId: c.id, visitorKey: 'b3' }) })
      await s.recordCampaignVisit({ visit: visit({ campaignId: other.id, customerId: 'cus_z' }) })
      expect((await s.campaignResults({ id: c.id })).clicks).toBe(3)
      await s.claimCampaignVisits({ visitorKey: 'b2', customerId: 'cus_b' })
      expect((await s.campaignResults({ id: c.id })).clicks).toBe(3)

      const duck = sku({ stock: 100 })
      const usd = sku({ currency: 'USD', price: 1500, stock: 100 })
      await s.putSku({ sku: duck })
      await s.putSku({ sku: usd })
      const place = async (
        customerId: string,
        item: typeof duck,
        campaignId: string | null,
        pay: boolean,
      ) => {
        const o = order({ customerId, sku: item })
        const attributed = {
          ...o.order,
          attribution: campaignId ? { campaignId, visitedAt: T0 } : null,
        }
        await s.createOrder({ order: attributed, reserve: o.reserve })
        if (pay)
          await s.markPaid({
            orderId: attributed.id,
            delivery: null,
            payment: payment(attributed),
            now: T0 + MIN,
          })
        return attributed
      }
      const a1 = await place('cus_a', duck, c.id, true)
      await place('cus_a', duck, c.id, true)
      await place('cus_b', usd, c.id, true)
      await place('cus_c', duck, c.id, false) // pending: not an order of the report yet
      await place('cus_d', duck, other.id, true)
      await place('cus_e', duck, null, true)
      expect(await s.campaignResults({ id: c.id })).toEqual({
        clicks: 3,
        orders: 3,
        buyers: 2,
        revenue: { CNY: 17_600, USD: 1500 },
      })
      // A refund takes its money back; the order still counts.
      const r = refund(a1, 3000)
      await s.createRefund({ refund: r })
      await s.settleRefund({ id: r.id, status: 'succeeded', now: T0 + 2 * MIN })
      expect(await s.campaignResults({ id: c.id })).toEqual({
        clicks: 3,
        orders: 3,
        buyers: 2,
        revenue: { CNY: 14_600, USD: 1500 },
      })
      expect(await s.campaignResults({ id: other.id })).toMatchObject({ clicks: 1, orders: 1, buyers: 1 })
      expect(await s.campaignResults({ id: 'cmp_none' })).toEqual({
        clicks: 0,
        orders: 0,
        buyers: 0,
        revenue: {},
      })
    })

    it("a unionid merge moves the merged customer's campaign visits to the survivor: one person, one click", async (t) => {
      const s = ops()
      if (!s) return t.skip(skip)
      const c = await s.createCampaign({ campaign: campaign() })
      const A = (
        await s.upsertCustomer({
          id: id('cus'),
          profile: profile({ provider: 'wechat', subject: 'o_a' }),
          now: T0,
        })
      ).customer
      const B = (
        await s.upsertCustomer({
          id: id('cus'),
          profile: profile({ provider: 'wechat-mp', subject: 'm_b', unionId: 'U9' }),
          now: T0 + 10,
        })
      ).customer
      await s.recordCampaignVisit({ visit: visit({ campaignId: c.id, customerId: A.id, at: T0 + 20 }) })
      const fromB = visit({ campaignId: c.id, customerId: B.id, at: T0 + 30 })
      await s.recordCampaignVisit({ visit: fromB })
      expect((await s.campaignResults({ id: c.id })).clicks).toBe(2)
      await s.upsertCustomer({
        id: id('cus'),
        profile: profile({ provider: 'wechat', subject: 'o_a', unionId: 'U9' }),
        now: T0 + 40,
      })
      expect((await s.campaignResults({ id: c.id })).clicks).toBe(1)
      expect(await s.lastCampaignVisit({ customerId: A.id, since: T0 })).toEqual({
        ...fromB,
        customerId: A.id,
      })
    })

    it('lists due work: scheduled drafts whose time came and stale fan-outs, never future or unscheduled drafts', async (t) => {
      const s = ops()
      if (!s) return t.skip(skip)
      const now = T0 + 60 * MIN
      const due = await s.createCampaign({ campaign: campaign({ sendAt: now - MIN, createdAt: T0 + 1 }) })
      const exactly = await s.createCampaign({ campaign: campaign({ sendAt: now, createdAt: T0 + 2 }) })
      await s.createCampaign({ campaign: campaign({ sendAt: now + 1 }) })
      await s.createCampaign({ campaign: campaign({ sendAt: null }) })
      const stale = await s.createCampaign({ campaign: campaign({ createdAt: T0 + 3 }) })
      await s.advanceCampaign({
        id: stale.id,
        expect: { status: 'draft', cursor: null },
        set: { status: 'sending', startedAt: T0 },
        now: T0,
      })
      const fresh = await s.createCampaign({ campaign: campaign({ createdAt: T0 + 4 }) })
      await s.advanceCampaign({
        id: fresh.id,
        expect: { status: 'draft', cursor: null },
        set: { status: 'sending', startedAt: now },
        now,
      })
      const list = await s.dueCampaigns({ now, staleBefore: now - 10 * MIN, limit: 10 })
      expect(list.map((c) => [c.id, c.status])).toEqual([
        [due.id, 'draft'],
        [exactly.id, 'draft'],
        [stale.id, 'sending'],
      ])
      expect(list[0]).toEqual(due)
      expect(await s.dueCampaigns({ now, staleBefore: now - 10 * MIN, limit: 1 })).toHaveLength(1)
      // Claimed by one instance (draft → sending), it is no longer due for the others.
      const claims = await Promise.all(
        [0, 1, 2].map(() =>
          s.advanceCampaign({
            id: due.id,
            expect: { status: 'draft', cursor: null },
            set: { status: 'sending', startedAt: now },
            now,
          }),
        ),
      )
      expect(claims.filter((c) => c !== null)).toHaveLength(1)
      const after = await s.dueCampaigns({ now, staleBefore: now - 10 * MIN, limit: 10 })
      expect(after.map((c) => c.id)).toEqual([exactly.id, stale.id])
    })
  })
}
