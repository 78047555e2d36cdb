/**
 * Per-customer purchase limits: `skus.limit_per_customer`, NULL (every existing SKU) meaning none.
 * The check runs only for SKUs that set one, so the flash-sale path of an unlimited SKU is unchanged.
 */
export function purchaseLimits(s: string): string {
  return `
ALTER TABLE ${s}.skus ADD COLUMN limit_per_customer bigint
  CHECK (limit_per_customer IS NULL OR limit_per_customer >= 1);
`
}
