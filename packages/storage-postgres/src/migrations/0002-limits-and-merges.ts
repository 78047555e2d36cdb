/**
 * Per-customer purchase limits: `skus.limit_per_customer`, NULL (every existing SKU) meaning none.
 * The check runs only for SKUs that set one, so the flash-sale path of an unlimited SKU is unchanged.
 *
 * Customer merges (two customers found to share a unionid): `customer_merges` keeps every merged id
 * resolving to its survivor; the indexes let a merge re-point visits and referrals without a scan.
 */
export function purchaseLimitsAndMerges(s: string): string {
  return `
ALTER TABLE ${s}.skus ADD COLUMN limit_per_customer bigint
  CHECK (limit_per_customer IS NULL OR limit_per_customer >= 1);

CREATE TABLE ${s}.customer_merges (
  merged_id text PRIMARY KEY,
  survivor_id text NOT NULL,
  merged_at bigint NOT NULL
);
CREATE INDEX ON ${s}.customer_merges (survivor_id);
CREATE INDEX ON ${s}.visits (sharer_id);
CREATE INDEX ON ${s}.customers (referred_by) WHERE referred_by IS NOT NULL;
`
}
