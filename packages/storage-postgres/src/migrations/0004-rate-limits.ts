/**
 * Token buckets for the loop's rate limits, shared by every app instance. A row past `expires_at`
 * has refilled completely, so sweeping it changes nothing.
 */
export function rateLimitsSchema(s: string): string {
  return `
CREATE TABLE ${s}.rate_limits (
  key text PRIMARY KEY,
  tokens double precision NOT NULL,
  updated_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  allowed boolean NOT NULL
);
CREATE INDEX rate_limits_expiry ON ${s}.rate_limits (expires_at);
`
}
