import { withDeadline } from '../_internal/deadline.js'
import type { NotificationCompletion, NotificationOutcome } from '../contracts/outbox-types.js'
import { campaignIdOfKey } from '../domain/campaign.js'
import type { Notification } from '../domain/notification.js'
import type { Runtime } from '../loop/runtime.js'
import type { DispatchResult } from './dispatch.js'
import type { PolicyOutcome } from './policy/decide.js'

const eventType = {
  skipped: 'notification.skipped',
  sent: 'notification.sent',
  retry: 'notification.retry',
  dead: 'notification.dead',
} as const

/** A campaign's sent row names its campaign, so the analytics fold counts it as `campaign_reached`. */
function campaignData(dedupeKey: string): { campaignId?: string } {
  const id = campaignIdOfKey(dedupeKey)
  return id ? { campaignId: id } : {}
}

/**
 * Collects outcomes and records them with `completeNotifications`, one call at a time: whatever
 * finished while the previous call ran goes in the next, so a busy pass records in large batches
 * and a quiet one without delay.
 */
export function createRecorder(rt: Runtime, leaseToken: string, result: DispatchResult) {
  let queue: NotificationCompletion[] = []
  let flushing: Promise<void> | null = null

  async function flush(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue
      queue = []
      try {
        const { changed } = await withDeadline(
          rt.storage.completeNotifications({ leaseToken, completions: batch, now: rt.now() }),
          rt.config.adapterTimeoutMs,
          'recording outbox outcomes',
        )
        const ids = new Set(changed)
        for (const c of batch) {
          if (!ids.has(c.id)) continue
          const status = c.outcome.status
          if (status === 'sent') result.sent++
          else if (status === 'retry') result.retried++
          else if (status === 'dead') result.dead++
          else if (status === 'skipped') result.skipped++
          else result.released++
          if (c.events) rt.published({ events: c.events })
        }
      } catch (error) {
        // Unrecorded rows stay leased until the lease runs out, then go again (same dedupe key).
        rt.reportError(error, 'recording outbox outcomes')
      }
    }
    flushing = null
  }

  return {
    add(row: Notification, { fallback, ...outcome }: PolicyOutcome): void {
      const events =
        outcome.status === 'release'
          ? undefined
          : [
              rt.event(
                eventType[outcome.status],
                {
                  notificationId: row.id,
                  channel: row.channel,
                  topic: row.message.topic,
                  dedupeKey: row.dedupeKey,
                  ...(outcome.status === 'sent' ? campaignData(row.dedupeKey) : {}),
                  ...(outcome.status === 'retry' || outcome.status === 'dead'
                    ? { error: outcome.error }
                    : {}),
                  ...(outcome.decision ? { decision: outcome.decision } : {}),
                },
                { customerId: row.customerId },
              ),
            ]
      queue.push({
        id: row.id,
        outcome: outcome as NotificationOutcome,
        ...(events ? { events } : {}),
        ...(fallback ? { outbox: [fallback] } : {}),
      })
      flushing ??= flush()
    },
    async done(): Promise<void> {
      while (flushing) await flushing
    },
  }
}
