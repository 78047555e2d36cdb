/**
 * Issue #9: partial reward clawback (#9.11) and refund reconciliation (#9.10).
 * `rewards.clawed_back` holds the minor units of a reward taken back by partial refunds; the index
 * lets reconciliation list pending refunds across orders, oldest first.
 */
export const refundReconcileSchema = (s: string) => `
ALTER TABLE ${s}.rewards ADD COLUMN clawed_back bigint NOT NULL DEFAULT 0;
CREATE INDEX ON ${s}.refunds (status, created_at);
`
