import {
  type BroadcastJob,
  type Campaign,
  campaignKeyPrefix,
  type FanOutInput,
  newId,
  type StorageAdapter,
} from '@loopkit/core'
import { type Db, pgCode, type Queryable } from './_internal/db.js'
import { Params } from './_internal/effects.js'
import { compileFilter } from './audience-sql.js'

type DeliveryOps = Required<
  Pick<StorageAdapter, 'fanOutCampaign' | 'recordBroadcastJob' | 'finishBroadcastJob' | 'listBroadcastJobs'>
>

/** A report for a job id no job has yet is kept this long for the job recorded after it (a resumed batch). */
const ORPHAN_OUTCOME_MS = 7 * 86_400_000

interface CampaignRow {
  data: Campaign
  status: Campaign['status']
  cursor: string | null
  updated_at: string
}

/**
 * One batch in two statements: the members after the cursor in keyset order, each routed by a
 * CASE over the same row, counted (members, routed, last id); then the routed ones inserted
 * straight from the same keyset scan. Row ids are one fresh id per batch plus the member's id (a
 * member is once in a batch). A row whose dedupe key exists is not written again. The rows are
 * first inserted plainly, in a savepoint: ON CONFLICT costs a speculative insertion per row (about a
 * third of a batch's insert, measured with EXPLAIN (ANALYZE, BUFFERS)), and a key of this campaign
 * after its cursor exists only when another path wrote it (rows and cursor commit together). On a
 * unique violation the savepoint is rolled back and the batch inserted again with ON CONFLICT DO
 * NOTHING, an index probe per row however large the outbox (an anti-join would be planned as a
 * scan of the whole outbox).
 */
function batchStatement(s: string, input: FanOutInput, after: string) {
  const p = new Params()
  const limit = Math.max(1, Math.floor(input.limit))
  const cases = input.routes.map(
    (r) => `WHEN ${compileFilter(s, r.reach, input.now, p)} THEN ${p.add(r.channel)}::text`,
  )
  const channel = cases.length ? `CASE ${cases.join(' ')} END` : 'NULL::text'
  const cursor = p.add(after)
  const cond = compileFilter(s, input.where, input.now, p)
  const page = `SELECT c.id, ${channel} AS channel FROM ${s}.customers c
      WHERE c.id COLLATE "C" > ${cursor}::text AND ${cond}
      ORDER BY c.id COLLATE "C" LIMIT ${p.add(limit)}::bigint`
  // The batch's counts and bounds first (no row leaves the server), then its rows straight from the scan.
  const stats = `SELECT count(*)::int AS members, count(channel)::int AS routed, max(id COLLATE "C") AS last FROM (${page}) b`
  const statsValues = [...p.values]
  const at = p.add(input.at)
  const keys = p.add(campaignKeyPrefix(input.id))
  const insert = `INSERT INTO ${s}.notifications
        (id, dedupe_key, channel, customer_id, message, status, attempts, next_attempt_at, created_at, updated_at)
      SELECT ${p.add(`${newId('ntf', input.at)}_`)}::text || m.id, m.key, m.channel, m.id,
        ${p.add(JSON.stringify(input.message))}::jsonb, 'pending', 0,
        ${p.add(input.nextAttemptAt ?? input.at)}::bigint, ${at}::bigint, ${at}::bigint
      FROM (SELECT id, channel, ${keys}::text || id || ':' || channel AS key FROM (${page}) b WHERE channel IS NOT NULL) m`
  // Whether any member follows the batch's last one.
  const q = new Params()
  q.add(null)
  const moreCond = compileFilter(s, input.where, input.now, q)
  // In keyset order, so it walks the index from the batch's end (a bare EXISTS may scan from the start).
  const more = `SELECT EXISTS (SELECT 1 FROM ${s}.customers c WHERE c.id COLLATE "C" > $1::text AND ${moreCond}
    ORDER BY c.id COLLATE "C" LIMIT 1) AS more`
  return {
    stats,
    statsValues,
    insert,
    insertSkippingKeys: `${insert}\n      ON CONFLICT DO NOTHING`,
    values: p.values,
    limit,
    more: (last: string) => [more, [last, ...q.values.slice(1)]] as const,
  }
}

/** Writes a batch's rows; a row whose dedupe key exists is skipped (see {@link batchStatement}). */
async function insertBatch(q: Queryable, b: ReturnType<typeof batchStatement>): Promise<void> {
  await q.query('SAVEPOINT fan_out_batch')
  try {
    await q.query(b.insert, b.values, { prepared: true })
  } catch (error) {
    if (pgCode(error) !== '23505') throw error
    await q.query('ROLLBACK TO SAVEPOINT fan_out_batch')
    await q.query(b.insertSkippingKeys, b.values, { prepared: true })
  }
  await q.query('RELEASE SAVEPOINT fan_out_batch')
}

export function campaignDeliveryOps(db: Db): DeliveryOps {
  const { s } = db
  const lockCampaign = async (q: Queryable, id: string): Promise<Campaign | null> => {
    const { rows } = await q.query<CampaignRow>(
      `SELECT data, status, cursor, updated_at FROM ${s}.campaigns WHERE id = $1 FOR UPDATE`,
      [id],
    )
    const r = rows[0]
    return r ? { ...r.data, status: r.status, cursor: r.cursor, updatedAt: Number(r.updated_at) } : null
  }

  return {
    async fanOutCampaign(input) {
      // The row lock serialises instances: the loser sees the moved cursor and changes nothing.
      return db.tx(async (q) => {
        const c = await lockCampaign(q, input.id)
        if (!c || c.status !== 'sending' || c.cursor !== input.expect.cursor) return null
        const b = batchStatement(s, input, c.cursor ?? '')
        // Custom plans: a generic plan of the keyset (`id > $n`) would not know to walk the index.
        await q.query('SET LOCAL jit = off; SET LOCAL plan_cache_mode = force_custom_plan')
        // Prepared (named by their text): every batch of a campaign reuses one plan.
        const { rows } = await q.query<{ members: number; routed: number; last: string | null }>(
          b.stats,
          b.statsValues,
          { prepared: true },
        )
        const page = rows[0]!
        if (page.routed > 0) await insertBatch(q, b)
        let more = false
        if (page.last !== null && page.members === b.limit) {
          const [sql, values] = b.more(page.last)
          more = (await q.query<{ more: boolean }>(sql, [...values])).rows[0]!.more
        }
        const next: Campaign = {
          ...c,
          cursor: more ? page.last : null,
          status: more ? 'sending' : 'sent',
          queued: c.queued + page.routed,
          unreachable: c.unreachable + page.members - page.routed,
          updatedAt: input.at,
        }
        await q.query(
          `UPDATE ${s}.campaigns SET status = $2, cursor = $3, data = $4, updated_at = $5 WHERE id = $1`,
          [c.id, next.status, next.cursor, JSON.stringify(next), input.at],
        )
        return next
      })
    },

    async recordBroadcastJob({ job }) {
      return db.tx(async (q) => {
        // The key's row lock (or its insert) serialises two instances recording one batch.
        const { rows: existing } = await q.query<{ data: BroadcastJob }>(
          `SELECT data FROM ${s}.broadcast_jobs WHERE key = $1 FOR UPDATE`,
          [job.key],
        )
        if (existing[0]) return { job: existing[0].data, created: false }
        let stored = job
        if (job.jobId !== null) {
          // The vendor's report may have come first (the batch was resumed after a crash).
          const { rows } = await q.query<{ outcome: BroadcastJob['outcome']; at: string }>(
            `DELETE FROM ${s}.broadcast_outcomes WHERE job_id = $1 RETURNING outcome, at`,
            [job.jobId],
          )
          if (rows[0])
            stored = { ...job, status: 'finished', outcome: rows[0].outcome, updatedAt: Number(rows[0].at) }
        }
        const { rowCount } = await q.query(
          `INSERT INTO ${s}.broadcast_jobs (key, campaign_id, job_id, "offset", data, created_at)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING`,
          [
            stored.key,
            stored.campaignId,
            stored.jobId,
            stored.offset,
            JSON.stringify(stored),
            stored.createdAt,
          ],
        )
        if (rowCount === 0) {
          // Another instance recorded this batch first; a report this call took over goes onto its row.
          const { rows } = await q.query<{ data: BroadcastJob }>(
            stored.outcome
              ? `UPDATE ${s}.broadcast_jobs SET data = data || jsonb_build_object('status', 'finished', 'outcome', $2::jsonb, 'updatedAt', $3::bigint)
                 WHERE key = $1 RETURNING data`
              : `SELECT data FROM ${s}.broadcast_jobs WHERE key = $1`,
            stored.outcome ? [job.key, JSON.stringify(stored.outcome), stored.updatedAt] : [job.key],
          )
          return { job: rows[0]!.data, created: false }
        }
        return { job: stored, created: true }
      })
    },

    async finishBroadcastJob({ jobId, outcome, now }) {
      return db.tx(async (q) => {
        const { rows } = await q.query<{ data: BroadcastJob }>(
          `UPDATE ${s}.broadcast_jobs
           SET data = data || jsonb_build_object('status', 'finished', 'outcome', $2::jsonb, 'updatedAt', $3::bigint)
           WHERE job_id = $1 RETURNING data`,
          [jobId, JSON.stringify(outcome), now],
        )
        if (rows[0]) return rows[0].data
        await q.query(`DELETE FROM ${s}.broadcast_outcomes WHERE at < $1`, [now - ORPHAN_OUTCOME_MS])
        await q.query(
          `INSERT INTO ${s}.broadcast_outcomes (job_id, outcome, at) VALUES ($1, $2, $3)
           ON CONFLICT (job_id) DO UPDATE SET outcome = excluded.outcome, at = excluded.at`,
          [jobId, JSON.stringify(outcome), now],
        )
        return null
      })
    },

    async listBroadcastJobs({ campaignId }) {
      const { rows } = await db.query<{ data: BroadcastJob }>(
        `SELECT data FROM ${s}.broadcast_jobs WHERE campaign_id = $1 ORDER BY "offset", key COLLATE "C"`,
        [campaignId],
      )
      return rows.map((r) => r.data)
    },
  }
}
