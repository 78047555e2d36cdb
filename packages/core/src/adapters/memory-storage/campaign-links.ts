import type { StorageAdapter } from '../../contracts/storage.js'
import type { CampaignVisit } from '../../domain/campaign.js'
import type { OrderStatus } from '../../domain/order.js'
import { loopError } from '../../errors.js'
import { copy, copyOrNull, type MemoryState, writeEffects } from './state.js'

type CampaignLinkOps = Required<
  Pick<
    StorageAdapter,
    'dueCampaigns' | 'recordCampaignVisit' | 'claimCampaignVisits' | 'lastCampaignVisit' | 'campaignResults'
  >
>

/** The statuses of an order that was paid (refunded ones included: the report nets their money out). */
export const PAID_STATUSES: readonly OrderStatus[] = ['paid', 'fulfilled', 'partially_refunded', 'refunded']

export function campaignLinkOps(state: MemoryState, scope: string): CampaignLinkOps {
  return {
    async dueCampaigns({ now, staleBefore, limit }) {
      return [...state.campaigns.values()]
        .filter(
          (c) =>
            (c.status === 'draft' && c.sendAt !== null && c.sendAt <= now) ||
            (c.status === 'sending' && c.updatedAt < staleBefore),
        )
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
        .slice(0, Math.max(0, limit))
        .map(copy)
    },

    async recordCampaignVisit({ visit, effects }) {
      if (state.campaignVisits.has(visit.id))
        throw loopError(scope, 'conflict', `Campaign visit \`${visit.id}\` already exists.`)
      state.campaignVisits.set(visit.id, copy(visit))
      writeEffects(state, effects, visit.at)
      return copy(visit)
    },

    async claimCampaignVisits({ visitorKey, customerId }) {
      let claimed = 0
      for (const v of state.campaignVisits.values()) {
        if (v.visitorKey !== visitorKey || v.customerId !== null) continue
        v.customerId = customerId
        claimed++
      }
      return { claimed }
    },

    async lastCampaignVisit({ customerId, visitorKey, since }) {
      let best: CampaignVisit | undefined
      for (const v of state.campaignVisits.values()) {
        if (v.at < since) continue
        const mine =
          v.customerId === customerId ||
          (visitorKey != null && v.visitorKey === visitorKey && v.customerId === null)
        if (mine && (!best || v.at > best.at || (v.at === best.at && v.id > best.id))) best = v
      }
      return copyOrNull(best)
    },

    async campaignResults({ id }) {
      const people = new Set<string>()
      for (const v of state.campaignVisits.values())
        if (v.campaignId === id) people.add(v.customerId ?? `\u0000${v.visitorKey}`)
      const buyers = new Set<string>()
      const revenue: Record<string, number> = {}
      let orders = 0
      for (const o of state.orders.values()) {
        if (o.attribution?.campaignId !== id || !PAID_STATUSES.includes(o.status)) continue
        orders++
        buyers.add(o.customerId)
        revenue[o.currency] = (revenue[o.currency] ?? 0) + o.total - o.refunded
      }
      return { clicks: people.size, orders, buyers: buyers.size, revenue }
    },
  }
}
