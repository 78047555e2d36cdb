import { withDeadline } from '../../_internal/deadline.js'
import { newId } from '../../_internal/ids.js'
import type { MessagingAdapter } from '../../contracts/messaging.js'
import type { Campaign } from '../../domain/campaign.js'
import type { Customer } from '../../domain/customer.js'
import type { NewNotification, RenderedMessage } from '../../domain/notification.js'
import type { Runtime } from '../../loop/runtime.js'
import { firstReachable } from '../policy/chain.js'
import { broadcastBatch } from './broadcast.js'
import { campaignStore } from './store.js'

/** The outbox row of one member on one channel of a campaign. */
export function campaignRow(
  c: Campaign,
  customerId: string,
  channel: string,
  message: RenderedMessage,
): NewNotification {
  return {
    id: newId('ntf'),
    dedupeKey: `campaign:${c.id}:${customerId}:${channel}`,
    channel,
    customerId,
    message,
    ...(c.sendAt !== null ? { nextAttemptAt: c.sendAt } : {}),
  }
}

/**
 * One batch routed member by member: each member's first reachable channel of the plan gets an
 * outbox row — or, for a broadcast channel, a place in that channel's broadcast of this batch
 * (sent before the batch is written, under a key derived from the batch, so a retry is a repeat the
 * vendor drops). The rows (fallbacks of a refused broadcast included) and the new cursor are
 * written in one compare-and-set step. Null: another instance advanced the campaign first.
 */
export async function fanOutBatch(
  rt: Runtime,
  c: Campaign,
  message: RenderedMessage,
  limit: number,
): Promise<Campaign | null> {
  const page = await withDeadline(
    rt.storage.listCustomers({ where: c.where, after: c.cursor, limit, now: c.startedAt ?? rt.now() }),
    rt.config.adapterTimeoutMs,
    'listing campaign members',
  )
  const onInvalid = (error: unknown, channel: { id: string }) =>
    rt.reportError(error, `campaign ${c.id} on ${channel.id}`)
  const rows: NewNotification[] = []
  const groups = new Map<MessagingAdapter, Customer[]>()
  let reached = 0
  for (const customer of page.customers) {
    const channel = firstReachable(rt.config.policy, rt.messaging, c.channels, customer, message, onInvalid)
    if (!channel) continue
    reached++
    if (channel.broadcast) groups.set(channel, [...(groups.get(channel) ?? []), customer])
    else rows.push(campaignRow(c, customer.id, channel.id, message))
  }
  // Members before this batch: the same at this cursor on every attempt (the counters move with it).
  const offset = c.queued + c.unreachable
  const broadcasters = c.channels.filter((id) => rt.messaging.find((m) => m.id === id)?.broadcast)
  for (const [channel, members] of groups) {
    const i = broadcasters.indexOf(channel.id)
    const key = `${c.id}-${offset}${i > 0 ? `~${i}` : ''}`
    rows.push(...(await broadcastBatch(rt, { campaign: c, channel, members, message, key, offset })))
  }
  const next = await withDeadline(
    campaignStore(rt).advanceCampaign({
      id: c.id,
      expect: { status: 'sending', cursor: c.cursor },
      set: {
        cursor: page.next,
        status: page.next ? 'sending' : 'sent',
        queued: c.queued + reached,
        unreachable: c.unreachable + page.customers.length - reached,
      },
      now: rt.now(),
      effects: { outbox: rows },
    }),
    rt.config.adapterTimeoutMs,
    'writing a fan-out batch',
  )
  if (next) rt.published({ outbox: rows })
  return next
}
