import type { AudienceFilter } from '../../domain/audience.js'
import type { Campaign } from '../../domain/campaign.js'
import type { RenderedMessage } from '../../domain/notification.js'
import { loopError } from '../../errors.js'
import type { Runtime } from '../../loop/runtime.js'
import { firstReachable } from '../policy/chain.js'
import { campaignMessage } from './create.js'
import { planReach } from './routes.js'
import { campaignStore } from './store.js'

/** Members routed one by one at most, when a channel of the plan cannot say whom it reaches. */
const ROUTE_SCAN_LIMIT = 10_000

/** Where a campaign's members would go: the first channel of the plan that reaches each. */
export interface CampaignRouting {
  /** Members per channel. */
  byChannel: Record<string, number>
  /** Members no channel of the plan reaches (not following a followers-only channel, or no identity on any). */
  unreachable: number
  /**
   * True when every member was counted: by the storage, from each channel's `reach` filter, or one
   * by one for an audience of at most 10,000. False: the first 10,000 members only.
   */
  exact: boolean
}

/** What `loop.campaigns.preview` answers: how many the audience holds, where they would go, and who the first few are. */
export interface CampaignPreview {
  members: number
  routing: CampaignRouting
  /** The first members, each with the channel their row would go to (null: none reaches them). */
  sample: Array<{ customerId: string; channel: string | null }>
  message: ReturnType<typeof campaignMessage>
}

/**
 * A dry run of a campaign: counts its audience, where its members would go, and renders its first
 * members' routing, sending and writing nothing. Frequency caps, quiet hours and consents are
 * decided per message when it is sent, and show in the report.
 */
export async function previewCampaign(
  rt: Runtime,
  input: { id: string; sample?: number },
): Promise<CampaignPreview> {
  const c = await campaignStore(rt).getCampaign({ id: String(input.id) })
  if (!c) throw loopError('campaigns', 'not_found', `No campaign \`${input.id}\`.`)
  const message = campaignMessage(rt, c)
  const now = c.startedAt ?? rt.now()
  const [{ count }, page] = await Promise.all([
    rt.storage.countCustomers({ where: c.where, now }),
    rt.storage.listCustomers({
      where: c.where,
      after: null,
      limit: Math.min(Math.max(1, input.sample ?? 5), 50),
      now,
    }),
  ])
  return {
    members: count,
    routing:
      (await countedRouting(rt, c, message, count, now)) ?? (await scannedRouting(rt, c, message, now)),
    message,
    sample: page.customers.map((customer) => ({
      customerId: customer.id,
      channel:
        firstReachable(rt.config.policy, rt.messaging, c.channels, customer, message, () => {})?.id ?? null,
    })),
  }
}

/** Counted by the storage: members of each channel's filter that no earlier channel reaches. */
async function countedRouting(
  rt: Runtime,
  c: Campaign,
  message: RenderedMessage,
  members: number,
  now: number,
): Promise<CampaignRouting | null> {
  const routes = planReach(rt, c, message, () => {}) // a refusing channel is passed over, as at send
  if (!routes) return null
  const byChannel: Record<string, number> = {}
  let reached = 0
  for (const [i, route] of routes.entries()) {
    const earlier = routes.slice(0, i).map((r) => r.reach)
    const where: AudienceFilter = { all: [c.where, route.reach, { not: { any: earlier } }] }
    const { count } = await rt.storage.countCustomers({ where, now })
    byChannel[route.channel] = count
    reached += count
  }
  return { byChannel, unreachable: members - reached, exact: true }
}

/** Routed one by one, as the fan-out would, over the first {@link ROUTE_SCAN_LIMIT} members. */
async function scannedRouting(
  rt: Runtime,
  c: Campaign,
  message: RenderedMessage,
  now: number,
): Promise<CampaignRouting> {
  const byChannel: Record<string, number> = {}
  let unreachable = 0
  let scanned = 0
  let after: string | null = null
  do {
    const page = await rt.storage.listCustomers({ where: c.where, after, limit: 1000, now })
    for (const customer of page.customers) {
      const channel = firstReachable(rt.config.policy, rt.messaging, c.channels, customer, message, () => {})
      if (channel) byChannel[channel.id] = (byChannel[channel.id] ?? 0) + 1
      else unreachable++
    }
    scanned += page.customers.length
    after = page.next
  } while (after && scanned < ROUTE_SCAN_LIMIT)
  return { byChannel, unreachable, exact: after === null }
}
