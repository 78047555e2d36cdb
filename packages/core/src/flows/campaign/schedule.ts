import { withDeadline } from '../../_internal/deadline.js'
import type { Runtime } from '../../loop/runtime.js'
import { sendCampaign } from './fan-out.js'
import { campaignStore } from './store.js'

/** A fan-out that has not moved for this long is taken as orphaned (its instance died) and resumed. */
export const STALE_FAN_OUT_MS = 5 * 60_000

/**
 * One pass of the scheduler: starts every draft campaign whose `sendAt` has come, and resumes fan-outs
 * orphaned by a crash. Starting is a storage claim — the compare-and-set `draft → sending` — so of
 * any number of instances exactly one starts a campaign (and writes its `campaign.started` event);
 * the others see the claim lost and move on. A resumed fan-out is safe to run twice: each batch is
 * its own compare-and-set. Every storage call has the adapter deadline.
 */
export async function startDueCampaigns(
  rt: Runtime,
  input: { limit?: number } = {},
): Promise<{ started: number; resumed: number }> {
  const due = rt.storage.dueCampaigns
  if (!due) return { started: 0, resumed: 0 }
  const store = campaignStore(rt)
  const ms = rt.config.adapterTimeoutMs
  const now = rt.now()
  const list = await withDeadline(
    due.call(rt.storage, { now, staleBefore: now - STALE_FAN_OUT_MS, limit: input.limit ?? 10 }),
    ms,
    'listing due campaigns',
  )
  let started = 0
  let resumed = 0
  for (const c of list) {
    try {
      if (c.status === 'draft') {
        const effects = { events: [rt.event('campaign.started', { campaignId: c.id })] }
        const claimed = await withDeadline(
          store.advanceCampaign({
            id: c.id,
            expect: { status: 'draft', cursor: null },
            set: { status: 'sending', startedAt: now },
            now,
            effects,
          }),
          ms,
          'starting a scheduled campaign',
        )
        if (!claimed) continue
        rt.published(effects)
        started++
      } else resumed++
      await sendCampaign(rt, { id: c.id })
    } catch (error) {
      rt.reportError(error, `campaign ${c.id}`)
    }
  }
  return { started, resumed }
}
