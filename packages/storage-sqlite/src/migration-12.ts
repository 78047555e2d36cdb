import type { Migration } from './migrations.js'

/**
 * Issue #10, campaign list: `listCampaigns` pages newest first by `(created_at, id)`, with or without
 * a status; each page walks one of these indexes from its cursor instead of sorting the table.
 */
export const campaignListMigration: Migration = {
  version: 12,
  name: 'campaign list: campaigns by creation time, and by status then creation time',
  sql: `
    CREATE INDEX campaigns_created ON campaigns (created_at, id);
    CREATE INDEX campaigns_status_created ON campaigns (status, created_at, id);
  `,
}
