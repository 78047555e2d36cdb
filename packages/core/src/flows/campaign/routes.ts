import type { FanOutRoute } from '../../contracts/campaign-fan-out.js'
import type { Campaign } from '../../domain/campaign.js'
import type { RenderedMessage } from '../../domain/notification.js'
import type { Runtime } from '../../loop/runtime.js'

/**
 * Each channel of the campaign's plan with whom it reaches as a filter — narrowed to followers where
 * the policy says `followersOnly` — or null when a channel of the plan cannot say so (no `reach`). A
 * channel that does not carry the message, or whose `validate` refuses it (`onInvalid` hears why), is
 * left out, as the per-member routing would.
 */
export function planReach(
  rt: Runtime,
  c: Campaign,
  message: RenderedMessage,
  onInvalid: (error: unknown, channel: string) => void,
): FanOutRoute[] | null {
  const routes: FanOutRoute[] = []
  for (const id of c.channels) {
    const channel = rt.messaging.find((m) => m.id === id)
    if (!channel) continue
    if (!channel.reach) return null
    const reach = channel.reach({ message })
    if (!reach) continue
    try {
      channel.validate?.({ message })
    } catch (error) {
      onInvalid(error, id)
      continue
    }
    const followersOnly = rt.config.policy.channels?.[id]?.followersOnly
    routes.push({ channel: id, reach: followersOnly ? { all: [reach, { followed: true }] } : reach })
  }
  return routes
}

/**
 * The campaign's plan as storage-side routes ({@link planReach}), or null when the storage cannot
 * fan out set-based, a channel of the plan broadcasts, or one cannot say whom it reaches — then
 * members are routed one by one.
 */
export function storageRoutes(rt: Runtime, c: Campaign, message: RenderedMessage): FanOutRoute[] | null {
  if (!rt.storage.fanOutCampaign) return null
  if (c.channels.some((id) => rt.messaging.find((m) => m.id === id)?.broadcast)) return null
  return planReach(rt, c, message, (error, channel) =>
    rt.reportError(error, `campaign ${c.id} on ${channel}`),
  )
}
