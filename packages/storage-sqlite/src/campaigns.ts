import {
  type Campaign,
  type CampaignRowCount,
  campaignKeyPrefix,
  loopError,
  type StorageAdapter,
} from '@loopkit/core'
import { type Db, SCOPE } from './_internal/db.js'
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
  data: string
  status: Campaign['status']
  cursor: string | null
  updated_at: number
}

const toCampaign = (r: CampaignRow): Campaign => ({
  ...JSON.parse(r.data),
  status: r.status,
  cursor: r.cursor,
  updatedAt: r.updated_at,
})

// The dedupe keys of one campaign's rows, as a range the unique index answers: `campaign:<id>:` up
// to (not including) `campaign:<id>;` (';' sorts right after ':').
const keyRange = (id: string) => {
  const from = campaignKeyPrefix(id)
  return [from, `${from.slice(0, -1)};`] as const
}

export function campaignOps(db: Db): CampaignOps {
  const get = (id: string) => {
    const r = db.q('SELECT data, status, cursor, updated_at FROM campaigns WHERE id = ?').get(id) as
      | CampaignRow
      | undefined
    return r ? toCampaign(r) : null
  }

  const create = db.tx((c: Campaign) => {
    if (get(c.id)) throw loopError(SCOPE, 'conflict', `Campaign \`${c.id}\` already exists.`)
    db.q(
      'INSERT INTO campaigns (id, status, cursor, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(c.id, c.status, c.cursor, JSON.stringify(c), c.createdAt, c.updatedAt)
    return get(c.id)!
  })

  // Compare-and-set inside the write lock: the batch's rows and the cursor commit together.
  const advance = db.tx((input: Parameters<CampaignOps['advanceCampaign']>[0]) => {
    const c = get(input.id)
    if (!c || c.status !== input.expect.status || c.cursor !== input.expect.cursor) return null
    const next: Campaign = { ...c, ...input.set, updatedAt: input.now }
    db.q('UPDATE campaigns SET status = ?, cursor = ?, data = ?, updated_at = ? WHERE id = ?').run(
      next.status,
      next.cursor,
      JSON.stringify(next),
      input.now,
      input.id,
    )
    writeEffects(db, input.effects, input.now)
    return next
  })

  const cancel = db.tx((input: { id: string; now: number }) => {
    const c = get(input.id)
    if (!c || c.status === 'cancelled') return null
    const next: Campaign = { ...c, status: 'cancelled', updatedAt: input.now }
    db.q('UPDATE campaigns SET status = ?, data = ?, updated_at = ? WHERE id = ?').run(
      'cancelled',
      JSON.stringify(next),
      input.now,
      input.id,
    )
    const [from, to] = keyRange(input.id)
    db.q(
      `UPDATE notifications SET status = 'skipped', decision = 'skipped: cancelled', lease_token = NULL,
         lease_until = NULL, updated_at = ?
       WHERE dedupe_key >= ? AND dedupe_key < ? AND status = 'pending' AND (lease_until IS NULL OR lease_until <= ?)`,
    ).run(input.now, from, to, input.now)
    return next
  })

  return {
    async createCampaign({ campaign }) {
      return create(campaign)
    },
    async getCampaign({ id }) {
      return db.read(() => get(id))
    },
    async listCampaigns({ status, before, limit }) {
      // A row-value comparison on (created_at, id) walks campaigns_created (or
      // campaigns_status_created) backwards from the cursor: each page costs the same however deep.
      return db.read(() => {
        const where = [
          ...(status ? ['status = @status'] : []),
          ...(before ? ['(created_at, id) < (@createdAt, @id)'] : []),
        ]
        const rows = db
          .q(
            `SELECT data, status, cursor, updated_at FROM campaigns
             ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
             ORDER BY created_at DESC, id DESC LIMIT @limit`,
          )
          .all({
            limit,
            ...(status ? { status } : {}),
            ...(before ? { createdAt: before.createdAt, id: before.id } : {}),
          }) as CampaignRow[]
        return rows.map(toCampaign)
      })
    },
    async advanceCampaign(input) {
      return advance(input)
    },
    async cancelCampaign(input) {
      return cancel(input)
    },
    async countCampaignRows({ id }) {
      return db.read(() => {
        const [from, to] = keyRange(id)
        return db
          .q(
            `SELECT status, channel, decision, count(*) AS count FROM notifications
             WHERE dedupe_key >= ? AND dedupe_key < ?
             GROUP BY status, channel, decision ORDER BY status, channel, decision`,
          )
          .all(from, to) as CampaignRowCount[]
      })
    },
  }
}
