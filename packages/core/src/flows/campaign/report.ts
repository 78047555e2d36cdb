import type { Campaign } from '../../domain/campaign.js'
import { loopError } from '../../errors.js'
import type { Runtime } from '../../loop/runtime.js'
import { campaignStore } from './store.js'

/** What `loop.campaigns.report` answers. */
export interface CampaignReport {
  campaign: Campaign
  /** Members some channel of the plan could reach (one outbox row each, before fallbacks). */
  reach: number
  /** Members the fan-out passed over: no channel of the plan reaches them. */
  unreachable: number
  sent: number
  /** Dead-lettered without a fallback (the chain ran out, or a failure with no next channel). */
  failed: number
  /** Waiting for the dispatcher, including those deferred by quiet hours (`deferred`). */
  pending: number
  deferred: number
  /** Rows the policy ended unsent, by reason (`frequency_cap`, `unfollowed`, `cancelled`, …). */
  skipped: Record<string, number>
  /** Rows handed to the next channel of the chain, by reason (`recipient_refused`, `no_consent`, …). */
  fellBack: Record<string, number>
  /** Sent, by channel. */
  byChannel: Record<string, number>
  /** Distinct people who opened the campaign link (by customer; by browser before they log in). */
  clicks: number
  /** Paid orders attributed to the campaign; one refunded later still counts (its money does not). */
  orders: number
  /** Distinct customers among `orders`. */
  buyers: number
  /**
   * Per currency, in minor units: what those orders paid less what has been refunded of them so far,
   * whenever the refund happened (the analytics rollups take it back from the paid day instead).
   */
  revenue: Record<string, number>
  /**
   * Opens, where a channel reports them. None does yet: WeChat's `TEMPLATESENDJOBFINISH` reports
   * delivery, not opens, and mass sends are not a campaign channel. Absent until one does; count
   * `clicks` instead.
   */
  opened?: number
}

const reason = (decision: string | null) => decision?.slice(decision.indexOf(':') + 1).trim() ?? 'unknown'

/**
 * A campaign's report: its outbox rows by status, channel and policy decision, and what its link
 * brought (clicks, orders, buyers, net revenue), each counted by the storage.
 *
 * @example
 * ```ts
 * const r = await loop.campaigns.report({ id })
 * r.sent; r.skipped.frequency_cap; r.fellBack.recipient_refused
 * r.clicks; r.orders; r.revenue.CNY // minor units, refunds netted out
 * ```
 */
export async function campaignReport(rt: Runtime, input: { id: string }): Promise<CampaignReport> {
  const store = campaignStore(rt)
  const campaign = await store.getCampaign({ id: String(input.id) })
  if (!campaign) throw loopError('campaigns', 'not_found', `No campaign \`${input.id}\`.`)
  const results = (await store.campaignResults?.({ id: campaign.id })) ?? {
    clicks: 0,
    orders: 0,
    buyers: 0,
    revenue: {},
  }
  const r: CampaignReport = {
    ...results,
    campaign,
    reach: campaign.queued,
    unreachable: campaign.unreachable,
    sent: 0,
    failed: 0,
    pending: 0,
    deferred: 0,
    skipped: {},
    fellBack: {},
    byChannel: {},
  }
  for (const row of await store.countCampaignRows({ id: campaign.id })) {
    const fell = row.decision?.startsWith('fell_back:') ?? false
    if (fell) r.fellBack[reason(row.decision)] = (r.fellBack[reason(row.decision)] ?? 0) + row.count
    if (row.status === 'sent') {
      r.sent += row.count
      r.byChannel[row.channel] = (r.byChannel[row.channel] ?? 0) + row.count
    } else if (row.status === 'dead' && !fell) r.failed += row.count
    else if (row.status === 'skipped' && !fell)
      r.skipped[reason(row.decision)] = (r.skipped[reason(row.decision)] ?? 0) + row.count
    else if (row.status === 'pending') {
      r.pending += row.count
      if (row.decision?.startsWith('deferred:')) r.deferred += row.count
    }
  }
  return r
}
