/**
 * Issue #10, campaign delivery: one row per broadcast of a campaign batch (WeChat mass send), keyed
 * by the batch so a resumed batch finds its row, and the delivery reports that arrive before their
 * job is recorded.
 */
export function campaignDeliverySchema(s: string): string {
  return `
CREATE TABLE ${s}.broadcast_jobs (
  key text PRIMARY KEY,
  campaign_id text NOT NULL,
  job_id text UNIQUE,
  "offset" bigint NOT NULL,
  data jsonb NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX broadcast_jobs_campaign ON ${s}.broadcast_jobs (campaign_id, "offset");
CREATE TABLE ${s}.broadcast_outcomes (
  job_id text PRIMARY KEY,
  outcome jsonb NOT NULL,
  at bigint NOT NULL
);
`
}
