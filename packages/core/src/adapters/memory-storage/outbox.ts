import type { StorageAdapter } from '../../contracts/storage.js'
import type { Notification } from '../../domain/notification.js'
import { copy, type MemoryState, writeEffects } from './state.js'

type OutboxOps = Pick<
  StorageAdapter,
  'enqueueNotifications' | 'claimNotifications' | 'completeNotification' | 'listNotifications'
>

export function outboxOps(state: MemoryState): OutboxOps {
  return {
    async enqueueNotifications({ notifications, now }) {
      return { inserted: writeEffects(state, { outbox: notifications }, now) }
    },

    async claimNotifications({ now, limit, leaseMs, leaseToken }) {
      const claimed: Notification[] = []
      for (const id of state.pendingNotifications) {
        if (claimed.length >= limit) break
        const n = state.notifications.get(id)!
        if (n.nextAttemptAt > now) continue
        if (n.leaseUntil !== null && n.leaseUntil > now) continue
        n.leaseUntil = now + leaseMs
        n.leaseToken = leaseToken
        // A claim counts as an attempt, so a row whose dispatcher keeps crashing still runs out.
        n.attempts += 1
        n.updatedAt = now
        claimed.push(copy(n))
      }
      return claimed
    },

    async completeNotification({ id, leaseToken, outcome, now, effects }) {
      const n = state.notifications.get(id)
      if (!n || n.status !== 'pending' || n.leaseToken !== leaseToken) return { changed: false }
      n.leaseToken = null
      n.leaseUntil = null
      n.updatedAt = now
      if (outcome.status === 'sent') {
        n.status = 'sent'
        n.providerMessageId = outcome.providerMessageId
        state.pendingNotifications.delete(id)
      } else if (outcome.status === 'dead') {
        n.status = 'dead'
        n.lastError = outcome.error
        state.pendingNotifications.delete(id)
      } else {
        n.lastError = outcome.error
        n.nextAttemptAt = outcome.nextAttemptAt
        // Re-queue at the back: rows keep roughly due order without sorting on every claim.
        state.pendingNotifications.delete(id)
        state.pendingNotifications.add(id)
      }
      writeEffects(state, effects, now)
      return { changed: true }
    },

    async listNotifications({ customerId, status, limit }) {
      const out: Notification[] = []
      for (const n of state.notifications.values()) {
        if (out.length >= limit) break
        if (customerId !== undefined && n.customerId !== customerId) continue
        if (status !== undefined && n.status !== status) continue
        out.push(copy(n))
      }
      return out
    },
  }
}
