import type { Migration } from './migrations.js'

/**
 * Issue #10, campaign delivery: one row per broadcast (WeChat mass send) of a campaign batch, keyed
 * by the batch so a resumed fan-out finds it, and delivery reports that arrive before their job.
 */
export const campaignDeliveryMigration: Migration = {
  version: 11,
  name: 'campaign delivery: broadcast jobs (WeChat mass send) and their delivery reports',
  sql: `
    -- One row per broadcast of a campaign batch, keyed by the batch (a resumed batch finds its row).
    CREATE TABLE broadcast_jobs (
      key TEXT PRIMARY KEY,
      campaign_id TEXT NOT NULL,
      job_id TEXT UNIQUE,
      "offset" INTEGER NOT NULL,
      data TEXT NOT NULL,
      created_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX broadcast_jobs_campaign ON broadcast_jobs (campaign_id, "offset");
    -- A delivery report whose job is not recorded yet (the batch is being resumed).
    CREATE TABLE broadcast_outcomes (
      job_id TEXT PRIMARY KEY,
      outcome TEXT NOT NULL,
      at INTEGER NOT NULL
    ) STRICT;
  `,
}
