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
   * Opens, where a channel reports them. None does yet: WeChat's `TEMPLATESENDJOBFINISH` and
   * `MASSSENDJOBFINISH` report delivery, not opens. Absent until one does; count `clicks` instead.
   */
  opened?: number
  /**
   * The campaign's broadcasts (WeChat mass send): `jobs` accepted by the vendor, `recipients`
   * addressed, `finished` jobs whose delivery report arrived and its counts (`sent` and `errors`
   * also count in `sent` and `failed` above, `byChannel` too). A refused batch's members appear
   * in `fellBack` (or `failed`) under the refusal's code, members the policy left out in `skipped`.
   */
  massSend: MassSendReport
}

/** The broadcast part of a {@link CampaignReport}. */
export interface MassSendReport {
  jobs: number
  recipients: number
  finished: number
  /** The vendor's `FilterCount`: recipients left after its own filters (a follower's monthly limit). */
  filtered: number
  sent: number
  errors: number
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
    massSend: { jobs: 0, recipients: 0, finished: 0, filtered: 0, sent: 0, errors: 0 },
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
  await addBroadcasts(rt, r)
  return r
}

const add = (to: Record<string, number>, key: string, n: number) => {
  if (n) to[key] = (to[key] ?? 0) + n
}

/** Folds the campaign's broadcast jobs into the report. */
async function addBroadcasts(rt: Runtime, r: CampaignReport): Promise<void> {
  if (!rt.storage.listBroadcastJobs) return
  for (const job of await rt.storage.listBroadcastJobs({ campaignId: r.campaign.id })) {
    for (const [why, n] of Object.entries(job.skipped)) add(r.skipped, why, n)
    if (job.error) add(r.fellBack, job.error, job.fellBack)
    r.failed += job.failed
    if (job.jobId === null) continue
    r.massSend.jobs++
    r.massSend.recipients += job.recipients
    if (!job.outcome) continue
    r.massSend.finished++
    r.massSend.filtered += job.outcome.filtered
    r.massSend.sent += job.outcome.sent
    r.massSend.errors += job.outcome.errors
    r.sent += job.outcome.sent
    r.failed += job.outcome.errors
    add(r.byChannel, job.channel, job.outcome.sent)
  }
}
