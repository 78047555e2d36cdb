import type { NotificationOutcome } from '../../contracts/outbox-types.js'
import type { StorageAdapter } from '../../contracts/storage.js'
import type { Notification } from '../../domain/notification.js'
import { copy, type MemoryState, writeEffects } from './state.js'

type OutboxOps = Pick<
  StorageAdapter,
  | 'enqueueNotifications'
  | 'claimNotifications'
  | 'completeNotification'
  | 'completeNotifications'
  | 'listNotifications'
  | 'reserveSend'
  | 'releaseSend'
>

/** Applies one outcome if `leaseToken` still holds the row; synchronous, so atomic. */
function complete(
  state: MemoryState,
  id: string,
  leaseToken: string,
  outcome: NotificationOutcome,
  now: number,
): boolean {
  const n = state.notifications.get(id)
  if (!n || n.status !== 'pending' || n.leaseToken !== leaseToken) return false
  n.leaseToken = null
  n.leaseUntil = null
  n.updatedAt = now
  if (outcome.decision !== undefined) n.decision = outcome.decision
  if (outcome.status === 'skipped') {
    n.status = 'skipped'
    state.pendingNotifications.delete(id)
  } else if (outcome.status === 'sent') {
    n.status = 'sent'
    n.providerMessageId = outcome.providerMessageId
    state.pendingNotifications.delete(id)
  } else if (outcome.status === 'dead') {
    n.status = 'dead'
    n.lastError = outcome.error
    state.pendingNotifications.delete(id)
  } else {
    if (outcome.status === 'retry') n.lastError = outcome.error
    // A released row was never attempted: give back the attempt its claim counted.
    else n.attempts = Math.max(0, n.attempts - 1)
    n.nextAttemptAt = outcome.nextAttemptAt
    // Re-queue at the back: rows keep roughly due order without sorting on every claim.
    state.pendingNotifications.delete(id)
    state.pendingNotifications.add(id)
  }
  return true
}

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
      if (!complete(state, id, leaseToken, outcome, now)) return { changed: false }
      writeEffects(state, effects, now)
      return { changed: true }
    },

    async completeNotifications({ leaseToken, completions, now }) {
      const changed: string[] = []
      for (const c of completions) {
        if (!complete(state, c.id, leaseToken, c.outcome, now)) continue
        writeEffects(state, { events: c.events ?? [], outbox: c.outbox ?? [] }, now)
        changed.push(c.id)
      }
      return { changed }
    },

    async reserveSend({ key, customerId, class: cls, caps, now }) {
      // Synchronous from here on, so atomic: no other reservation interleaves.
      if (state.sendKeys.has(key)) return { ok: true }
      const ledger = `${customerId}\u0000${cls}`
      const times = state.sends.get(ledger) ?? []
      for (const cap of caps) {
        const inWindow = times.filter((t) => t > now - cap.windowMs).length
        if (inWindow >= cap.max) return { ok: false }
      }
      const longest = Math.max(0, ...caps.map((c) => c.windowMs))
      state.sends.set(ledger, [...times.filter((t) => t > now - longest), now])
      state.sendKeys.set(key, { ledger, at: now })
      return { ok: true }
    },

    async releaseSend({ key }) {
      const held = state.sendKeys.get(key)
      if (!held) return
      state.sendKeys.delete(key)
      const times = state.sends.get(held.ledger) ?? []
      const i = times.indexOf(held.at)
      if (i !== -1) state.sends.set(held.ledger, [...times.slice(0, i), ...times.slice(i + 1)])
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
