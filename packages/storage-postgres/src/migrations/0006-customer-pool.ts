/**
 * Issue #10: the customer pool. Follow / interaction / time-zone columns; `customer_stats` keeps
 * counted orders, net spend and the last payment per customer and currency (maintained in the
 * statement that pays, refunds or moves an order, backfilled here), so a segment never scans
 * orders; saved audiences. Customers are paged by `id COLLATE "C"` (byte order, the same in every
 * adapter whatever the database's collation), which its own index serves; the partial index
 * answers follower counts from the index alone.
 */
export const customerPoolSchema = (s: string) => `
ALTER TABLE ${s}.customers
  ADD COLUMN followed_at bigint,
  ADD COLUMN unfollowed_at bigint,
  ADD COLUMN last_interaction_at bigint,
  ADD COLUMN time_zone text;
CREATE UNIQUE INDEX customers_id_bytes ON ${s}.customers (id COLLATE "C");
CREATE INDEX customers_followed ON ${s}.customers (followed_at) WHERE followed_at IS NOT NULL;

CREATE TABLE ${s}.customer_stats (
  customer_id text NOT NULL,
  currency text NOT NULL,
  orders bigint NOT NULL,
  spent bigint NOT NULL,
  last_paid_at bigint,
  PRIMARY KEY (customer_id, currency)
);
INSERT INTO ${s}.customer_stats (customer_id, currency, orders, spent, last_paid_at)
  SELECT customer_id, currency,
    count(*) FILTER (WHERE status IN ('paid', 'fulfilled', 'partially_refunded')),
    coalesce(sum(total - refunded) FILTER (WHERE status IN ('paid', 'fulfilled', 'partially_refunded')), 0),
    max(paid_at)
  FROM ${s}.orders
  WHERE paid_at IS NOT NULL OR status IN ('paid', 'fulfilled', 'partially_refunded')
  GROUP BY customer_id, currency;

CREATE TABLE ${s}.audiences (
  id text PRIMARY KEY,
  name text,
  filter jsonb NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
`
