import type { Migration } from './migrations.js'

/**
 * Issue #13, flash-sale writes: `orders_campaign` held an entry for every order, nearly all of them
 * NULL (orders no campaign brought), so each checkout wrote one more index page. It now holds only
 * orders with a campaign; the campaign report's `json_extract(attribution, '$.campaignId') = ?`
 * implies the index's condition, so it still reads from the index.
 */
export const partialCampaignIndexMigration: Migration = {
  version: 13,
  name: 'orders by campaign: campaign orders only',
  sql: `DROP INDEX orders_campaign;
CREATE INDEX orders_campaign ON orders (json_extract(attribution, '$.campaignId'))
WHERE json_extract(attribution, '$.campaignId') IS NOT NULL;`,
}
