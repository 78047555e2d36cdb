import { newId } from '../../_internal/ids.js'
import type { StorageAdapter } from '../../contracts/storage.js'
import type { Customer } from '../../domain/customer.js'
import type { NewNotification } from '../../domain/notification.js'
import { audienceMatcher } from './audience-match.js'
import { firstAfter, ordered } from './audiences.js'
import { copy, type MemoryState, writeEffects } from './state.js'

type DeliveryOps = Required<
  Pick<StorageAdapter, 'fanOutCampaign' | 'recordBroadcastJob' | 'finishBroadcastJob' | 'listBroadcastJobs'>
>

/** A report for a job id no job has yet is kept this long for the job recorded after it. */
const ORPHAN_OUTCOME_MS = 7 * 86_400_000

/** The reference of the set-based fan-out and of broadcast jobs; synchronous, so each call is atomic. */
export function campaignDeliveryOps(state: MemoryState): DeliveryOps {
  return {
    async fanOutCampaign(input) {
      const c = state.campaigns.get(input.id)
      if (!c || c.status !== 'sending' || c.cursor !== input.expect.cursor) return null
      const member = audienceMatcher(state, input.where, input.now)
      const routes = input.routes.map((r) => ({
        channel: r.channel,
        reaches: audienceMatcher(state, r.reach, input.now),
      }))
      const ids = ordered(state)
      const page: Customer[] = []
      let more = false
      for (let i = c.cursor ? firstAfter(ids, c.cursor) : 0; i < ids.length; i++) {
        const customer = state.customers.get(ids[i]!)!
        if (!member(customer)) continue
        if (page.length === input.limit) {
          more = true
          break
        }
        page.push(customer)
      }
      const rows: NewNotification[] = []
      for (const customer of page) {
        const route = routes.find((r) => r.reaches(customer))
        if (!route) continue
        rows.push({
          id: newId('ntf'),
          dedupeKey: `campaign:${c.id}:${customer.id}:${route.channel}`,
          channel: route.channel,
          customerId: customer.id,
          message: input.message,
          ...(input.nextAttemptAt !== null ? { nextAttemptAt: input.nextAttemptAt } : {}),
        })
      }
      writeEffects(state, { outbox: rows }, input.at)
      Object.assign(c, {
        cursor: more ? page.at(-1)!.id : null,
        status: more ? 'sending' : 'sent',
        queued: c.queued + rows.length,
        unreachable: c.unreachable + page.length - rows.length,
        updatedAt: input.at,
      })
      return copy(c)
    },

    async recordBroadcastJob({ job }) {
      const existing = state.broadcastJobs.get(job.key)
      if (existing) return { job: copy(existing), created: false }
      const stored = copy(job)
      // The vendor's report may have come first (the batch was resumed after a crash).
      const orphan = job.jobId === null ? undefined : state.broadcastOutcomes.get(job.jobId)
      if (orphan) {
        state.broadcastOutcomes.delete(job.jobId!)
        Object.assign(stored, { status: 'finished', outcome: copy(orphan.outcome), updatedAt: orphan.at })
      }
      state.broadcastJobs.set(job.key, stored)
      return { job: copy(stored), created: true }
    },

    async finishBroadcastJob({ jobId, outcome, now }) {
      const job = [...state.broadcastJobs.values()].find((j) => j.jobId === jobId)
      if (!job) {
        for (const [id, o] of state.broadcastOutcomes)
          if (o.at < now - ORPHAN_OUTCOME_MS) state.broadcastOutcomes.delete(id)
        state.broadcastOutcomes.set(jobId, { outcome: copy(outcome), at: now })
        return null
      }
      Object.assign(job, { status: 'finished', outcome: copy(outcome), updatedAt: now })
      return copy(job)
    },

    async listBroadcastJobs({ campaignId }) {
      return [...state.broadcastJobs.values()]
        .filter((j) => j.campaignId === campaignId)
        .sort((a, b) => a.offset - b.offset || (a.key < b.key ? -1 : 1))
        .map(copy)
    },
  }
}
