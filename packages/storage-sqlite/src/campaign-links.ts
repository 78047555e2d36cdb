import type { Campaign, CampaignResults, CampaignVisit, StorageAdapter } from '@loopkit/core'
import type { Db } from './_internal/db.js'
import { writeEffects } from './_internal/effects.js'

type CampaignLinkOps = Required<
  Pick<
    StorageAdapter,
    'dueCampaigns' | 'recordCampaignVisit' | 'claimCampaignVisits' | 'lastCampaignVisit' | 'campaignResults'
  >
>

interface VisitRow {
  id: string
  campaign_id: string
  visitor_key: string
  customer_id: string | null
  at: number
}

const toVisit = (r: VisitRow): CampaignVisit => ({
  id: r.id,
  campaignId: r.campaign_id,
  visitorKey: r.visitor_key,
  customerId: r.customer_id,
  at: r.at,
})

// Paid orders, refunded ones included (the report nets their money out). The expression is the one
// index `orders_campaign` is built on, so the planner answers it from the index.
const CAMPAIGN_ORDERS = `FROM orders WHERE json_extract(attribution, '$.campaignId') = ?
  AND status IN ('paid', 'fulfilled', 'partially_refunded', 'refunded')`

// A browser's visits count until a customer claims them; then they are that customer's.
const LAST_VISIT = `SELECT * FROM campaign_visits
  WHERE at >= @since AND (customer_id = @customerId
    OR (@visitorKey IS NOT NULL AND visitor_key = @visitorKey AND customer_id IS NULL))
  ORDER BY at DESC, id DESC LIMIT 1`

const DUE = `SELECT data, status, cursor, updated_at FROM campaigns
  WHERE (status = 'draft' AND json_extract(data, '$.sendAt') <= @now)
     OR (status = 'sending' AND updated_at < @staleBefore)
  ORDER BY created_at, id LIMIT @limit`

export function campaignLinkOps(db: Db): CampaignLinkOps {
  const record = db.tx((input: Parameters<CampaignLinkOps['recordCampaignVisit']>[0]) => {
    const v = input.visit
    db.q(
      'INSERT INTO campaign_visits (id, campaign_id, visitor_key, customer_id, at) VALUES (?, ?, ?, ?, ?)',
    ).run(v.id, v.campaignId, v.visitorKey, v.customerId, v.at)
    writeEffects(db, input.effects, v.at)
    return { ...v }
  })
  const claim = db.tx((visitorKey: string, customerId: string) => ({
    claimed: db
      .q('UPDATE campaign_visits SET customer_id = ? WHERE visitor_key = ? AND customer_id IS NULL')
      .run(customerId, visitorKey).changes,
  }))

  return {
    async dueCampaigns({ now, staleBefore, limit }) {
      return db.read(() =>
        (
          db.q(DUE).all({ now, staleBefore, limit: Math.max(0, limit) }) as {
            data: string
            status: Campaign['status']
            cursor: string | null
            updated_at: number
          }[]
        ).map((r) => ({
          ...JSON.parse(r.data),
          status: r.status,
          cursor: r.cursor,
          updatedAt: r.updated_at,
        })),
      )
    },
    async recordCampaignVisit(input) {
      return record(input)
    },
    async claimCampaignVisits({ visitorKey, customerId }) {
      return claim(visitorKey, customerId)
    },
    async lastCampaignVisit({ customerId, visitorKey, since }) {
      return db.read(() => {
        const row = db.q(LAST_VISIT).get({ since, customerId, visitorKey: visitorKey ?? null }) as
          | VisitRow
          | undefined
        return row ? toVisit(row) : null
      })
    },
    async campaignResults({ id }) {
      return db.read((): CampaignResults => {
        const { clicks } = db
          .q(
            `SELECT count(DISTINCT coalesce(customer_id, char(0) || visitor_key)) AS clicks
             FROM campaign_visits WHERE campaign_id = ?`,
          )
          .get(id) as { clicks: number }
        const { orders, buyers } = db
          .q(`SELECT count(*) AS orders, count(DISTINCT customer_id) AS buyers ${CAMPAIGN_ORDERS}`)
          .get(id) as { orders: number; buyers: number }
        const revenue: Record<string, number> = {}
        const rows = db
          .q(`SELECT currency, sum(total - refunded) AS net ${CAMPAIGN_ORDERS} GROUP BY currency`)
          .all(id) as { currency: string; net: number }[]
        for (const r of rows) revenue[r.currency] = r.net
        return { clicks, orders, buyers, revenue }
      })
    },
  }
}
