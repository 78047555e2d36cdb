/**
 * Issue #10, campaign list: `listCampaigns` pages newest first by `(created_at, id)`, with or without
 * a status; each page walks one of these indexes from its cursor instead of sorting the table. Ids
 * compare in the "C" collation, as every adapter orders them.
 */
export function campaignListSchema(s: string): string {
  return `
CREATE INDEX campaigns_created ON ${s}.campaigns (created_at, id COLLATE "C");
CREATE INDEX campaigns_status_created ON ${s}.campaigns (status, created_at, id COLLATE "C");
`
}
