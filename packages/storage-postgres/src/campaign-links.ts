import type { Campaign, CampaignVisit, StorageAdapter } from '@loopkit/core'
import type { Db } from './_internal/db.js'
import { effectsCtes, Params, withEffects } from './_internal/effects.js'
import { readOne } from './_internal/read-many.js'

type CampaignLinkOps = Required<
  Pick<
    StorageAdapter,
    'dueCampaigns' | 'recordCampaignVisit' | 'claimCampaignVisits' | 'lastCampaignVisit' | 'campaignResults'
  >
>

const VISIT_COLS = `id, campaign_id AS "campaignId", visitor_key AS "visitorKey", customer_id AS "customerId", at`

export function campaignLinkOps(db: Db): CampaignLinkOps {
  const { s } = db
  // Every checkout asks for the buyer's last campaign visit (attribution): concurrent ones share a
  // statement. A browser's visits count until a customer claims them; then they are that customer's.
  const latest = readOne<CampaignVisit>(
    db,
    ['text', 'text', 'bigint'],
    ([customer, visitor, since]) => `SELECT ${VISIT_COLS} FROM ${s}.campaign_visits
       WHERE (customer_id = ${customer} OR (${visitor}::text IS NOT NULL AND visitor_key = ${visitor} AND customer_id IS NULL))
         AND at >= ${since}
       ORDER BY at DESC, id DESC LIMIT 1`,
  )
  // Paid orders, refunded ones included (the report nets their money out), through the partial
  // expression index `orders_campaign`.
  const campaignOrders = `FROM ${s}.orders WHERE attribution ? 'campaignId' AND attribution->>'campaignId' = $1
    AND status IN ('paid', 'fulfilled', 'partially_refunded', 'refunded')`
  return {
    async dueCampaigns({ now, staleBefore, limit }) {
      const { rows } = await db.query<{
        data: Campaign
        status: Campaign['status']
        cursor: string | null
        updated_at: string
      }>(
        `SELECT data, status, cursor, updated_at FROM ${s}.campaigns
         WHERE (status = 'draft' AND (data->>'sendAt')::bigint <= $1)
            OR (status = 'sending' AND updated_at < $2)
         ORDER BY created_at, id LIMIT $3`,
        [now, staleBefore, Math.max(0, limit)],
      )
      return rows.map((r) => ({
        ...r.data,
        status: r.status,
        cursor: r.cursor,
        updatedAt: Number(r.updated_at),
      }))
    },

    async recordCampaignVisit({ visit: v, effects }) {
      const p = new Params()
      const ins = `ins AS (
        INSERT INTO ${s}.campaign_visits (id, campaign_id, visitor_key, customer_id, at)
        VALUES (${p.list([v.id, v.campaignId, v.visitorKey, v.customerId, v.at])}) RETURNING 1)`
      const fx = effectsCtes(p, db, { effects, now: v.at, when: 'EXISTS (SELECT 1 FROM ins)' })
      await db.query(`${withEffects(ins, fx)} SELECT 1`, p.values)
      return { ...v }
    },

    async claimCampaignVisits({ visitorKey, customerId }) {
      const { rowCount } = await db.query(
        `UPDATE ${s}.campaign_visits SET customer_id = $2 WHERE visitor_key = $1 AND customer_id IS NULL`,
        [visitorKey, customerId],
      )
      return { claimed: rowCount ?? 0 }
    },

    lastCampaignVisit: ({ customerId, visitorKey, since }) => latest([customerId, visitorKey ?? null, since]),

    async campaignResults({ id }) {
      const [clicks, totals, byCurrency] = await Promise.all([
        db.query<{ clicks: number }>(
          `SELECT count(DISTINCT coalesce(customer_id, E'\\x01' || visitor_key))::int AS clicks
           FROM ${s}.campaign_visits WHERE campaign_id = $1`,
          [id],
        ),
        db.query<{ orders: number; buyers: number }>(
          `SELECT count(*)::int AS orders, count(DISTINCT customer_id)::int AS buyers ${campaignOrders}`,
          [id],
        ),
        db.query<{ currency: string; net: string }>(
          `SELECT currency, sum(total - refunded) AS net ${campaignOrders} GROUP BY currency`,
          [id],
        ),
      ])
      const revenue: Record<string, number> = {}
      for (const r of byCurrency.rows) revenue[r.currency] = Number(r.net)
      return { clicks: clicks.rows[0]!.clicks, ...totals.rows[0]!, revenue }
    },
  }
}
