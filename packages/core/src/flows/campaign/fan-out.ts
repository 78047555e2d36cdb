import { withDeadline } from '../../_internal/deadline.js'
import { newId } from '../../_internal/ids.js'
import type { Campaign } from '../../domain/campaign.js'
import type { NewNotification } from '../../domain/notification.js'
import { loopError } from '../../errors.js'
import type { Runtime } from '../../loop/runtime.js'
import { firstReachable } from '../policy/chain.js'
import { campaignMessage } from './create.js'
import { campaignStore } from './store.js'

/** Members read and queued per storage step. */
export const FAN_OUT_BATCH = 1000

/**
 * Starts (or resumes) a campaign's fan-out and runs it to the end: one batch of members along the
 * audience cursor at a time, each batch's outbox rows written with the new cursor in one
 * compare-and-set step. A crash between batches resumes from the stored cursor; a batch another
 * instance wrote first is not written again (the compare-and-set fails, and dedupe keys
 * `campaign:<id>:<customerId>:<channel>` would drop it anyway).
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
  const limit = Math.max(1, Math.min(input.batchSize ?? FAN_OUT_BATCH, 5000))
  const onInvalid = (error: unknown, channel: { id: string }) =>
    rt.reportError(error, `campaign ${c.id} on ${channel.id}`)
  while (c.status === 'sending') {
    const message = campaignMessage(rt, c)
    const page = await withDeadline(
      rt.storage.listCustomers({ where: c.where, after: c.cursor, limit, now: c.startedAt ?? rt.now() }),
      ms,
      'listing campaign members',
    )
    const rows: NewNotification[] = []
    for (const customer of page.customers) {
      const channel = firstReachable(rt.config.policy, rt.messaging, c.channels, customer, message, onInvalid)
      if (!channel) continue
      rows.push({
        id: newId('ntf'),
        dedupeKey: `campaign:${c.id}:${customer.id}:${channel.id}`,
        channel: channel.id,
        customerId: customer.id,
        message,
        ...(c.sendAt !== null ? { nextAttemptAt: c.sendAt } : {}),
      })
    }
    const next: Campaign | null = await step(
      store.advanceCampaign({
        id: c.id,
        expect: { status: 'sending', cursor: c.cursor },
        set: {
          cursor: page.next,
          status: page.next ? 'sending' : 'sent',
          queued: c.queued + rows.length,
          unreachable: c.unreachable + page.customers.length - rows.length,
        },
        now: rt.now(),
        effects: { outbox: rows },
      }),
      'writing a fan-out batch',
    )
    if (next) rt.published({ outbox: rows })
    // Lost the compare-and-set: another instance advanced it; carry on from where it is now.
    c = next ?? (await step(store.getCampaign({ id: c.id }), 'reading a campaign'))!
  }
  return c
}
