import type { FanOutRoute } from '../../contracts/campaign-fan-out.js'
import type { Campaign } from '../../domain/campaign.js'
import type { RenderedMessage } from '../../domain/notification.js'
import type { Runtime } from '../../loop/runtime.js'

/**
 * The campaign's plan as storage-side routes — each channel's `reach` filter, narrowed to followers
 * where the policy says `followersOnly` — or null when a channel of the plan cannot say whom it
 * reaches as a filter (or broadcasts), so members must be routed one by one. A channel whose
 * `validate` refuses the message is left out, as the per-member routing would.
 */
export function storageRoutes(rt: Runtime, c: Campaign, message: RenderedMessage): FanOutRoute[] | null {
  if (!rt.storage.fanOutCampaign) return null
  const routes: FanOutRoute[] = []
  for (const id of c.channels) {
    const channel = rt.messaging.find((m) => m.id === id)
    if (!channel) continue
    if (channel.broadcast || !channel.reach) return null
    const reach = channel.reach({ message })
    if (!reach) continue
    try {
      channel.validate?.({ message })
    } catch (error) {
      rt.reportError(error, `campaign ${c.id} on ${channel.id}`)
      continue
    }
    const followersOnly = rt.config.policy.channels?.[id]?.followersOnly
    routes.push({ channel: id, reach: followersOnly ? { all: [reach, { followed: true }] } : reach })
  }
  return routes
}
