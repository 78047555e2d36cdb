import { withDeadline } from '../../_internal/deadline.js'
import type { Campaign } from '../../domain/campaign.js'
import { loopError } from '../../errors.js'
import type { Runtime } from '../../loop/runtime.js'
import { fanOutBatch } from './batch.js'
import { campaignMessage } from './create.js'
import { storageRoutes } from './routes.js'
import { campaignStore } from './store.js'

/** Members read and queued per storage step. */
export const FAN_OUT_BATCH = 1000
/** Members per set-based step, when the storage routes the batch itself. */
export const STORAGE_BATCH = 10_000

/**
 * Starts (or resumes) a campaign's fan-out and runs it to the end: one batch of members along the
 * audience cursor at a time, each batch's outbox rows written with the new cursor in one
 * compare-and-set step. A crash between batches resumes from the stored cursor; a batch another
 * instance wrote first is not written again (the compare-and-set fails, and dedupe keys
 * `campaign:<id>:<customerId>:<channel>` would drop it anyway).
 *
 * When every channel of the plan states whom it reaches as a filter (`reach`) and the storage has
 * `fanOutCampaign`, each batch is routed and written inside the storage in one set-based step.
 * Members a broadcast channel reaches go into one broadcast per batch (see `batch.ts`).
 */
export async function sendCampaign(
  rt: Runtime,
  input: { id: string; batchSize?: number },
): Promise<Campaign> {
  const store = campaignStore(rt)
  const ms = rt.config.adapterTimeoutMs
  // Background work calls this too: every storage step has the adapter deadline.
  const step = <T>(p: Promise<T>, what: string) => withDeadline(p, ms, what)
  const found = await step(store.getCampaign({ id: input.id }), 'reading a campaign')
  if (!found) throw loopError('campaigns', 'not_found', `No campaign \`${input.id}\`.`)
  let c: Campaign = found
  const broadcasts = c.channels.some((id) => rt.messaging.find((m) => m.id === id)?.broadcast)
  // A broadcast goes out when its batch is fanned out: the outbox cannot hold it until `schedule.at`.
  if (
    broadcasts &&
    (c.status === 'draft' || c.status === 'sending') &&
    c.sendAt !== null &&
    c.sendAt > rt.now()
  )
    throw loopError(
      'campaigns',
      'invalid_transition',
      `Campaign \`${c.id}\` broadcasts: send it at its scheduled time, not before.`,
    )
  if (c.status === 'draft') {
    const started = await step(
      store.advanceCampaign({
        id: c.id,
        expect: { status: 'draft', cursor: null },
        set: { status: 'sending', startedAt: rt.now() },
        now: rt.now(),
      }),
      'starting a campaign',
    )
    c = started ?? (await step(store.getCampaign({ id: c.id }), 'reading a campaign'))!
  }
  const message = campaignMessage(rt, c)
  const routes = c.status === 'sending' ? storageRoutes(rt, c, message) : null
  // A storage-routed batch never comes into memory: only its commit costs per batch, so it is larger.
  const limit = Math.max(
    1,
    Math.min(input.batchSize ?? (routes ? STORAGE_BATCH : FAN_OUT_BATCH), routes ? STORAGE_BATCH : 5000),
  )
  while (c.status === 'sending') {
    const next: Campaign | null = routes
      ? await withDeadline(
          rt.storage.fanOutCampaign!({
            id: c.id,
            expect: { cursor: c.cursor },
            where: c.where,
            now: c.startedAt ?? rt.now(),
            limit,
            routes,
            message,
            nextAttemptAt: c.sendAt,
            at: rt.now(),
          }),
          ms,
          'fanning out a campaign batch',
        )
      : await fanOutBatch(rt, c, message, limit)
    if (routes && next && next.queued > c.queued) rt.wake()
    // Null: another instance advanced it first; carry on from where it is now.
    c = next ?? (await step(store.getCampaign({ id: c.id }), 'reading a campaign'))!
  }
  return c
}
