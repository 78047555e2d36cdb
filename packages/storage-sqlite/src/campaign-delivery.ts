import type { BroadcastJob, Campaign, FanOutInput, StorageAdapter } from '@loopkit/core'
import { campaignKeyPrefix, newId } from '@loopkit/core'
import { checkpointPace } from './_internal/checkpoint-pace.js'
import type { Db } from './_internal/db.js'
import { compileFilter } from './audience-sql.js'

type DeliveryOps = Required<
  Pick<StorageAdapter, 'fanOutCampaign' | 'recordBroadcastJob' | 'finishBroadcastJob' | 'listBroadcastJobs'>
>

/** A report for a job id no job has yet is kept this long for the job recorded after it (a resumed batch). */
const ORPHAN_OUTCOME_MS = 7 * 86_400_000

/**
 * The audience after the cursor, each member with the channel of the first route that reaches them
 * (NULL: none) — a CASE over the same row — as SQL and its parameters in order.
 */
function routed(input: FanOutInput) {
  const where = compileFilter(input.where, input.now)
  const routeParams: unknown[] = []
  const cases = input.routes.map((r) => {
    const f = compileFilter(r.reach, input.now)
    routeParams.push(...f.params, r.channel)
    return `WHEN ${f.sql} THEN ?`
  })
  const channel = cases.length ? `CASE ${cases.join(' ')} END` : 'NULL'
  return {
    where,
    /** Members in `(after, upTo]`, or after `after` when `upTo` is left out. */
    select: (bounded: boolean) =>
      `SELECT c.id AS id, ${channel} AS channel FROM customers c
       WHERE c.id > ? ${bounded ? 'AND c.id <= ?' : ''} AND ${where.sql} ORDER BY c.id`,
    params: (after: string, upTo?: string) => [
      ...routeParams,
      after,
      ...(upTo === undefined ? [] : [upTo]),
      ...where.params,
    ],
  }
}

interface JobRow {
  data: string
}

export function campaignDeliveryOps(db: Db): DeliveryOps {
  const getCampaign = (id: string): Campaign | null => {
    const r = db.q('SELECT data, status, cursor, updated_at FROM campaigns WHERE id = ?').get(id) as
      | { data: string; status: Campaign['status']; cursor: string | null; updated_at: number }
      | undefined
    return r ? { ...JSON.parse(r.data), status: r.status, cursor: r.cursor, updatedAt: r.updated_at } : null
  }

  // One transaction: the batch's bounds, its rows in one INSERT … SELECT, the cursor and counters.
  const fanOut = db.tx((input: FanOutInput): Campaign | null => {
    const c = getCampaign(input.id)
    if (!c || c.status !== 'sending' || c.cursor !== input.expect.cursor) return null
    const q = routed(input)
    const after = c.cursor ?? ''
    const limit = Math.max(1, Math.floor(input.limit))
    const page = db
      .q(
        `SELECT count(*) AS members, count(channel) AS routed, max(id) AS last FROM (${q.select(false)} LIMIT ?)`,
      )
      .get(...q.params(after), limit) as { members: number; routed: number; last: string | null }
    const more =
      page.last !== null &&
      page.members === limit &&
      db
        .q(`SELECT 1 FROM customers c WHERE c.id > ? AND ${q.where.sql} ORDER BY c.id LIMIT 1`)
        .get(page.last, ...q.where.params) !== undefined
    if (page.routed > 0) {
      const at = input.at
      // Re-running a batch is a no-op: OR IGNORE drops a row whose dedupe key exists. Row ids are
      // one fresh id per batch plus the member's id: unique (a member is once in a batch), and
      // appended in index order.
      db.q(
        `INSERT OR IGNORE INTO notifications
           (id, dedupe_key, channel, customer_id, message, status, attempts, next_attempt_at, created_at, updated_at)
         SELECT ? || m.id, ? || m.id || ':' || m.channel, m.channel,
           m.id, ?, 'pending', 0, ?, ?, ?
         FROM (${q.select(true)}) m WHERE m.channel IS NOT NULL`,
      ).run(
        `${newId('ntf', at)}_`,
        campaignKeyPrefix(c.id),
        JSON.stringify(input.message),
        input.nextAttemptAt ?? at,
        at,
        at,
        ...q.params(after, page.last ?? after),
      )
    }
    const next: Campaign = {
      ...c,
      cursor: more ? page.last : null,
      status: more ? 'sending' : 'sent',
      queued: c.queued + page.routed,
      unreachable: c.unreachable + page.members - page.routed,
      updatedAt: input.at,
    }
    db.q('UPDATE campaigns SET status = ?, cursor = ?, data = ?, updated_at = ? WHERE id = ?').run(
      next.status,
      next.cursor,
      JSON.stringify(next),
      input.at,
      c.id,
    )
    return next
  })

  const getJob = (key: string) => {
    const r = db.q('SELECT data FROM broadcast_jobs WHERE key = ?').get(key) as JobRow | undefined
    return r ? (JSON.parse(r.data) as BroadcastJob) : null
  }

  const record = db.tx((job: BroadcastJob) => {
    const existing = getJob(job.key)
    if (existing) return { job: existing, created: false }
    let stored = job
    if (job.jobId !== null) {
      // The vendor's report may have come first (the batch was resumed after a crash).
      const orphan = db
        .q('DELETE FROM broadcast_outcomes WHERE job_id = ? RETURNING outcome, at')
        .get(job.jobId) as { outcome: string; at: number } | undefined
      if (orphan)
        stored = { ...job, status: 'finished', outcome: JSON.parse(orphan.outcome), updatedAt: orphan.at }
    }
    db.q(
      'INSERT INTO broadcast_jobs (key, campaign_id, job_id, "offset", data, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(
      stored.key,
      stored.campaignId,
      stored.jobId,
      stored.offset,
      JSON.stringify(stored),
      stored.createdAt,
    )
    return { job: stored, created: true }
  })

  const finish = db.tx((input: Parameters<DeliveryOps['finishBroadcastJob']>[0]) => {
    const r = db.q('SELECT data FROM broadcast_jobs WHERE job_id = ?').get(input.jobId) as JobRow | undefined
    if (!r) {
      db.q('DELETE FROM broadcast_outcomes WHERE at < ?').run(input.now - ORPHAN_OUTCOME_MS)
      db.q(
        `INSERT INTO broadcast_outcomes (job_id, outcome, at) VALUES (?, ?, ?)
         ON CONFLICT (job_id) DO UPDATE SET outcome = excluded.outcome, at = excluded.at`,
      ).run(input.jobId, JSON.stringify(input.outcome), input.now)
      return null
    }
    const job: BroadcastJob = {
      ...JSON.parse(r.data),
      status: 'finished',
      outcome: input.outcome,
      updatedAt: input.now,
    }
    db.q('UPDATE broadcast_jobs SET data = ? WHERE job_id = ?').run(JSON.stringify(job), input.jobId)
    return job
  })

  const pace = checkpointPace(db.raw)
  return {
    async fanOutCampaign(input) {
      // A batch's rows are written in one commit; a checkpoint per batch doubled its fsyncs.
      return pace.run(Math.max(1, Math.floor(input.limit)), () => fanOut(input))
    },
    async recordBroadcastJob({ job }) {
      return record(job)
    },
    async finishBroadcastJob(input) {
      return finish(input)
    },
    async listBroadcastJobs({ campaignId }) {
      return db.read(() =>
        (
          db
            .q('SELECT data FROM broadcast_jobs WHERE campaign_id = ? ORDER BY "offset", key')
            .all(campaignId) as JobRow[]
        ).map((r) => JSON.parse(r.data) as BroadcastJob),
      )
    },
  }
}
