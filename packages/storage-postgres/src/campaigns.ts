import {
  type Campaign,
  type CampaignRowCount,
  campaignKeyPrefix,
  loopError,
  type StorageAdapter,
} from '@loopkit/core'
import type { Db, Queryable } from './_internal/db.js'
import { writeEffects } from './_internal/effects.js'

type CampaignOps = Required<
  Pick<
    StorageAdapter,
    | 'createCampaign'
    | 'getCampaign'
    | 'advanceCampaign'
    | 'cancelCampaign'
    | 'countCampaignRows'
    | 'listCampaigns'
  >
>

interface CampaignRow {
  data: Campaign
  status: Campaign['status']
  cursor: string | null
  updated_at: string
}

const toCampaign = (r: CampaignRow): Campaign => ({
  ...r.data,
  status: r.status,
  cursor: r.cursor,
  updatedAt: Number(r.updated_at),
})

// The dedupe keys of one campaign's rows as a range on the unique index (';' sorts right after ':'
// in the "C" collation the comparison uses).
const keyRange = (id: string) => {
  const from = campaignKeyPrefix(id)
  return [from, `${from.slice(0, -1)};`] as const
}

export function campaignOps(db: Db): CampaignOps {
  const { s } = db
  const get = async (q: Queryable, id: string, lock = false) => {
    const { rows } = await q.query<CampaignRow>(
      `SELECT data, status, cursor, updated_at FROM ${s}.campaigns WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    )
    return rows[0] ? toCampaign(rows[0]) : null
  }
  const save = (q: Queryable, c: Campaign) =>
    q.query(`UPDATE ${s}.campaigns SET status = $2, cursor = $3, data = $4, updated_at = $5 WHERE id = $1`, [
      c.id,
      c.status,
      c.cursor,
      JSON.stringify(c),
      c.updatedAt,
    ])

  return {
    async createCampaign({ campaign: c }) {
      const { rows } = await db.query<CampaignRow>(
        `INSERT INTO ${s}.campaigns (id, status, cursor, data, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING
         RETURNING data, status, cursor, updated_at`,
        [c.id, c.status, c.cursor, JSON.stringify(c), c.createdAt, c.updatedAt],
      )
      if (!rows[0]) throw loopError('postgres', 'conflict', `Campaign \`${c.id}\` already exists.`)
      return toCampaign(rows[0])
    },

    async getCampaign({ id }) {
      return get(db, id)
    },

    async listCampaigns({ status, before, limit }) {
      // A row-value comparison on (created_at, id) walks campaigns_created (or
      // campaigns_status_created) backwards from the cursor: each page costs the same however deep.
      // id compares in the "C" collation, as the memory adapter compares strings.
      const params: unknown[] = [limit]
      const where: string[] = []
      if (status) where.push(`status = $${params.push(status)}`)
      if (before)
        where.push(
          `(created_at, id COLLATE "C") < ($${params.push(before.createdAt)}, $${params.push(before.id)} COLLATE "C")`,
        )
      const { rows } = await db.query<CampaignRow>(
        `SELECT data, status, cursor, updated_at FROM ${s}.campaigns
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT $1`,
        params,
      )
      return rows.map(toCampaign)
    },

    async advanceCampaign({ id, expect, set, now, effects }) {
      // The row lock serialises instances: the loser sees the moved cursor and changes nothing.
      return db.tx(async (q) => {
        const c = await get(q, id, true)
        if (!c || c.status !== expect.status || c.cursor !== expect.cursor) return null
        const next: Campaign = { ...c, ...set, updatedAt: now }
        await save(q, next)
        await writeEffects(q, db, { effects, now })
        return next
      })
    },

    async cancelCampaign({ id, now }) {
      return db.tx(async (q) => {
        const c = await get(q, id, true)
        if (!c || c.status === 'cancelled') return null
        const next: Campaign = { ...c, status: 'cancelled', updatedAt: now }
        await save(q, next)
        const [from, to] = keyRange(id)
        await q.query(
          `UPDATE ${s}.notifications SET status = 'skipped', decision = 'skipped: cancelled', lease_token = NULL,
             lease_until = NULL, updated_at = $1
           WHERE dedupe_key COLLATE "C" >= $2 AND dedupe_key COLLATE "C" < $3 AND status = 'pending'
             AND (lease_until IS NULL OR lease_until <= $1)`,
          [now, from, to],
        )
        return next
      })
    },

    async countCampaignRows({ id }) {
      const [from, to] = keyRange(id)
      const { rows } = await db.query<CampaignRowCount>(
        `SELECT status, channel, decision, count(*)::int AS count FROM ${s}.notifications
         WHERE dedupe_key COLLATE "C" >= $1 AND dedupe_key COLLATE "C" < $2
         GROUP BY status, channel, decision ORDER BY status, channel, decision`,
        [from, to],
      )
      return rows
    },
  }
}
