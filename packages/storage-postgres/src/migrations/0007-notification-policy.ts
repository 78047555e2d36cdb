/**
 * Issue #10, the notification policy: the decision recorded on each outbox row, and the send
 * ledger frequency caps count (one row per logical message; a cap check reads the index alone),
 * and campaigns.
 */
export function notificationPolicySchema(s: string): string {
  return `
ALTER TABLE ${s}.notifications ADD COLUMN decision text;
CREATE TABLE ${s}.send_ledger (
  key text PRIMARY KEY,
  customer_id text NOT NULL,
  class text NOT NULL,
  at bigint NOT NULL
);
CREATE INDEX send_ledger_window ON ${s}.send_ledger (customer_id, class, at);
-- Campaigns: status and fan-out cursor as columns (compare-and-set), the rest as JSON.
CREATE TABLE ${s}.campaigns (
  id text PRIMARY KEY,
  status text NOT NULL,
  cursor text,
  data jsonb NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
`
}
