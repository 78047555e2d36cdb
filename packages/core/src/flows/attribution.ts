import type { Attribution } from '../domain/order.js'
import type { Runtime } from '../loop/runtime.js'

/**
 * What brought an order, decided once at checkout: the most recent share visit or campaign-link
 * visit inside the attribution window, by the customer or by this browser before it logged in
 * (last touch). A share visit and a campaign visit at the same moment: the share wins, so a
 * friend's credit is never lost to a tie. A sharer buying through their own link is not attributed.
 */
export async function attributionFor(
  rt: Runtime,
  customerId: string,
  visitorKey: string | null,
  now: number,
): Promise<Attribution | null> {
  const since = now - rt.config.attributionWindowMs
  const [visit, campaignVisit] = await Promise.all([
    rt.storage.lastVisit({ customerId, visitorKey, since }),
    rt.storage.lastCampaignVisit?.({ customerId, visitorKey, since }) ?? null,
  ])
  const share = visit && visit.sharerId !== customerId ? visit : null
  if (campaignVisit && (!share || campaignVisit.at > share.at))
    return { campaignId: campaignVisit.campaignId, visitedAt: campaignVisit.at }
  return share ? { shareId: share.shareId, sharerId: share.sharerId, visitedAt: share.at } : null
}

/** The `campaignId` an `order.paid` event carries, for analytics: present only for a campaign's order. */
export function campaignOf(attribution: Attribution | null): { campaignId?: string } {
  return attribution?.campaignId ? { campaignId: attribution.campaignId } : {}
}
