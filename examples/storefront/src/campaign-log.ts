import { type Campaign, type Loop, newId } from '@loopkit/core'

/** The event the shop writes to the loop's event log when the admin creates a campaign. */
export const CAMPAIGN_EVENT = 'storefront.campaign_created'

/** Records that a campaign exists, so the campaigns page can list it (the loop looks campaigns up by id only). */
export async function recordCampaign(loop: Loop, campaign: Campaign): Promise<void> {
  await loop.storage.appendEvents({
    events: [
      {
        id: newId('evt'),
        type: CAMPAIGN_EVENT,
        at: campaign.createdAt,
        customerId: null,
        orderId: null,
        data: { campaignId: campaign.id },
      },
    ],
  })
}

/** The shop's campaigns, newest first (at most `limit`). */
export async function listCampaigns(loop: Loop, limit = 100): Promise<Campaign[]> {
  const ids: string[] = []
  let after: number | undefined
  for (;;) {
    const page = await loop.analytics.events({
      types: [CAMPAIGN_EVENT],
      limit: 1000,
      ...(after !== undefined ? { after } : {}),
    })
    for (const e of page) ids.push(String(e.data.campaignId))
    if (page.length < 1000) break
    after = page[page.length - 1]!.seq
  }
  const newest = [...new Set(ids)].reverse().slice(0, limit)
  const found = await Promise.all(newest.map((id) => loop.campaigns.get({ id })))
  return found.filter((c): c is Campaign => c !== null)
}
