import type { Migration } from './migrations.js'

/**
 * Issue #10, campaign links: one row per open of a campaign link (by browser, and by customer once
 * known), the orders a campaign brought found through an index on `attribution.campaignId` (the
 * attribution stays in the order's JSON column), and due campaigns found by status.
 */
export const campaignLinksMigration: Migration = {
  version: 8,
  name: 'campaign links: campaign visits, orders by campaign, due campaigns',
  sql: `
    CREATE TABLE campaign_visits (
      id TEXT PRIMARY KEY,
      campaign_id TEXT NOT NULL,
      visitor_key TEXT NOT NULL,
      customer_id TEXT,
      at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX campaign_visits_campaign ON campaign_visits (campaign_id);
    CREATE INDEX campaign_visits_customer ON campaign_visits (customer_id, at);
    CREATE INDEX campaign_visits_visitor ON campaign_visits (visitor_key, at);
    CREATE INDEX orders_campaign ON orders (json_extract(attribution, '$.campaignId'));
    CREATE INDEX campaigns_status ON campaigns (status, updated_at);
  `,
}
