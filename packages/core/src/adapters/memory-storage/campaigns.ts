import type { StorageAdapter } from '../../contracts/storage.js'
import { type CampaignRowCount, campaignKeyPrefix } from '../../domain/campaign.js'
import { loopError } from '../../errors.js'
import { copy, copyOrNull, type MemoryState, writeEffects } from './state.js'

type CampaignOps = Required<
  Pick<
    StorageAdapter,
    | 'createCampaign'
    | 'getCampaign'
    | 'advanceCampaign'
    | 'cancelCampaign'
    | 'countCampaignRows'
    | 'listCampaigns'
  >
>

// Newest first: createdAt descending, ties by id descending (the order the SQL adapters' indexes give).
const newerFirst = (a: { createdAt: number; id: string }, b: { createdAt: number; id: string }) =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

export function campaignOps(state: MemoryState, scope: string): CampaignOps {
  return {
    async createCampaign({ campaign }) {
      if (state.campaigns.has(campaign.id))
        throw loopError(scope, 'conflict', `Campaign \`${campaign.id}\` already exists.`)
      state.campaigns.set(campaign.id, copy(campaign))
      return copy(campaign)
    },

    async getCampaign({ id }) {
      return copyOrNull(state.campaigns.get(id))
    },

    async listCampaigns({ status, before, limit }) {
      return [...state.campaigns.values()]
        .filter((c) => (!status || c.status === status) && (!before || newerFirst(c, before) > 0))
        .sort(newerFirst)
        .slice(0, limit)
        .map(copy)
    },

    async advanceCampaign({ id, expect, set, now, effects }) {
      const c = state.campaigns.get(id)
      if (!c || c.status !== expect.status || c.cursor !== expect.cursor) return null
      Object.assign(c, copy(set), { updatedAt: now })
      writeEffects(state, effects, now)
      return copy(c)
    },

    async cancelCampaign({ id, now }) {
      const c = state.campaigns.get(id)
      if (!c || c.status === 'cancelled') return null
      c.status = 'cancelled'
      c.updatedAt = now
      const prefix = campaignKeyPrefix(id)
      for (const nid of [...state.pendingNotifications]) {
        const n = state.notifications.get(nid)!
        if (!n.dedupeKey.startsWith(prefix) || (n.leaseUntil !== null && n.leaseUntil > now)) continue
        n.status = 'skipped'
        n.decision = 'skipped: cancelled'
        n.leaseToken = null
        n.leaseUntil = null
        n.updatedAt = now
        state.pendingNotifications.delete(nid)
      }
      return copy(c)
    },

    async countCampaignRows({ id }) {
      const prefix = campaignKeyPrefix(id)
      const counts = new Map<string, CampaignRowCount>()
      for (const n of state.notifications.values()) {
        if (!n.dedupeKey.startsWith(prefix)) continue
        const k = JSON.stringify([n.status, n.channel, n.decision])
        const row = counts.get(k) ?? { status: n.status, channel: n.channel, decision: n.decision, count: 0 }
        row.count++
        counts.set(k, row)
      }
      return [...counts.values()].sort((a, b) =>
        JSON.stringify([a.status, a.channel, a.decision]) < JSON.stringify([b.status, b.channel, b.decision])
          ? -1
          : 1,
      )
    },
  }
}
