/**
 * Issue #10, campaign links: one row per open of a campaign link (by browser, and by customer once
 * known), the orders a campaign brought found through an index on `attribution->>'campaignId'` (the
 * attribution stays in the order's JSON column), and due campaigns found by status.
 */
export function campaignLinksSchema(s: string): string {
  return `
CREATE TABLE ${s}.campaign_visits (
  id text PRIMARY KEY,
  campaign_id text NOT NULL,
  visitor_key text NOT NULL,
  customer_id text,
  at bigint NOT NULL
);
CREATE INDEX campaign_visits_campaign ON ${s}.campaign_visits (campaign_id);
CREATE INDEX campaign_visits_customer ON ${s}.campaign_visits (customer_id, at) WHERE customer_id IS NOT NULL;
CREATE INDEX campaign_visits_visitor ON ${s}.campaign_visits (visitor_key, at) WHERE customer_id IS NULL;
CREATE INDEX orders_campaign ON ${s}.orders ((attribution->>'campaignId')) WHERE attribution ? 'campaignId';
CREATE INDEX campaigns_status ON ${s}.campaigns (status, updated_at);
`
}
