import { withDeadline } from '../../_internal/deadline.js'
import type { BroadcastJob } from '../../contracts/broadcast.js'
import type { MessagingAdapter } from '../../contracts/messaging.js'
import type { Campaign } from '../../domain/campaign.js'
import type { Customer } from '../../domain/customer.js'
import type { NewNotification, RenderedMessage } from '../../domain/notification.js'
import { isLoopError, loopError } from '../../errors.js'
import type { Runtime } from '../../loop/runtime.js'
import { firstReachable } from '../policy/chain.js'
import { classOf } from '../policy/types.js'
import { campaignRow } from './batch.js'

/** One broadcast channel's share of a fan-out batch. */
export interface BroadcastBatch {
  campaign: Campaign
  channel: MessagingAdapter
  members: Customer[]
  message: RenderedMessage
  /** `<campaignId>-<offset>`: the same on every attempt of this batch. */
  key: string
  offset: number
}

/** The frequency caps, per member, reserved under the campaign's message key (a retry re-reserves nothing). */
async function allowed(rt: Runtime, c: Campaign, members: Customer[]): Promise<Customer[]> {
  const cls = classOf(rt.config.policy, 'campaign')
  const caps = rt.config.policy.classes?.[cls]?.caps
  if (!caps?.length) return members
  const reserve = rt.storage.reserveSend
  if (!reserve)
    throw loopError('loop', 'configuration', 'Frequency caps need a storage adapter with `reserveSend`.')
  const out: Customer[] = []
  for (const customer of members) {
    const { ok } = await withDeadline(
      reserve.call(rt.storage, {
        key: `campaign:${c.id}:${customer.id}`,
        customerId: customer.id,
        class: cls,
        caps,
        now: rt.now(),
      }),
      rt.config.adapterTimeoutMs,
      'reserving a send',
    )
    if (ok) out.push(customer)
  }
  return out
}

/**
 * Sends one batch's broadcast(s) and records each job, then answers the outbox rows of the members
 * a refused broadcast hands to the next channel of the plan. The policy applies per member first:
 * an unfollowed member never got here (the plan's routing), a capped one is left out of the
 * addresses and counted (`skipped.frequency_cap`). Quiet hours do not hold a broadcast: it goes
 * out when its batch does. A retryable failure (timeout, vendor down) throws: the fan-out stops
 * and the next `campaigns.send` repeats this batch with the same key.
 */
export async function broadcastBatch(rt: Runtime, b: BroadcastBatch): Promise<NewNotification[]> {
  const cap = b.channel.broadcast!
  const record = rt.storage.recordBroadcastJob
  if (!record)
    throw loopError(
      'campaigns',
      'configuration',
      'Broadcast channels need a storage adapter with `recordBroadcastJob`.',
    )
  const ms = rt.config.adapterTimeoutMs
  const c = b.campaign
  const permitted = await allowed(rt, c, b.members)
  const addressed: Array<{ customer: Customer; address: string }> = []
  for (const customer of permitted) {
    const address = cap.addressOf({ customer })
    if (address) addressed.push({ customer, address })
  }
  const skipped: Record<string, number> = {}
  if (b.members.length > permitted.length) skipped.frequency_cap = b.members.length - permitted.length
  if (permitted.length > addressed.length) skipped.unreachable = permitted.length - addressed.length
  const rows: NewNotification[] = []
  // Even shares of at most `max`: a split never leaves a remainder under the channel's minimum.
  const parts = Math.max(1, Math.ceil(addressed.length / Math.max(1, cap.max)))
  const size = Math.ceil(addressed.length / parts)
  const chunks: Array<typeof addressed> = addressed.length === 0 ? [[]] : []
  for (let i = 0; i < addressed.length; i += size) chunks.push(addressed.slice(i, i + size))
  for (const [k, chunk] of chunks.entries()) {
    const key = k === 0 ? b.key : `${b.key}.${k}`
    const job: BroadcastJob = {
      key,
      campaignId: c.id,
      channel: b.channel.id,
      offset: b.offset,
      jobId: null,
      status: 'refused',
      recipients: 0,
      error: null,
      skipped: k === 0 ? skipped : {},
      fellBack: 0,
      failed: 0,
      outcome: null,
      createdAt: rt.now(),
      updatedAt: rt.now(),
    }
    if (chunk.length === 0) job.error = 'no_recipients'
    else if (chunk.length < cap.min) job.error = 'too_few_recipients'
    else {
      try {
        const sent = await withDeadline(
          cap.send({ campaignId: c.id, key, addresses: chunk.map((m) => m.address), message: b.message }),
          ms,
          `broadcast on ${b.channel.id}`,
        )
        Object.assign(job, { jobId: sent.jobId, status: 'submitted', recipients: chunk.length })
      } catch (error) {
        if (!isLoopError(error) || error.retryable) throw error
        job.error = error.code
      }
    }
    if (job.status === 'refused') {
      // Each member goes on to the next channel of the plan that reaches them (never a broadcast).
      const rest = c.channels.slice(c.channels.indexOf(b.channel.id) + 1)
      const perMember = rt.messaging.filter((m) => !m.broadcast)
      for (const { customer } of chunk) {
        const next = firstReachable(rt.config.policy, perMember, rest, customer, b.message, (e, ch) =>
          rt.reportError(e, `campaign ${c.id} on ${ch.id}`),
        )
        if (next) rows.push(campaignRow(c, customer.id, next.id, b.message))
        else job.failed++
      }
      job.fellBack = chunk.length - job.failed
    }
    await withDeadline(record.call(rt.storage, { job }), ms, 'recording a broadcast job')
  }
  return rows
}
