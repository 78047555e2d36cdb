/**
 * The first schema. Times are epoch milliseconds (`bigint`), money is minor units (`bigint`),
 * structured values the database never filters on (order lines, rendered messages, event data)
 * are `jsonb`.
 */
export function initialSchema(s: string): string {
  return `
CREATE TABLE ${s}.customers (
  id text PRIMARY KEY,
  display_name text,
  avatar_url text,
  tags text[] NOT NULL DEFAULT '{}',
  referred_by text,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);

CREATE TABLE ${s}.identities (
  provider text NOT NULL,
  subject text NOT NULL,
  customer_id text NOT NULL REFERENCES ${s}.customers (id),
  union_id text,
  seq bigserial NOT NULL,
  PRIMARY KEY (provider, subject)
);
CREATE INDEX ON ${s}.identities (customer_id);
CREATE INDEX ON ${s}.identities (union_id) WHERE union_id IS NOT NULL;

CREATE TABLE ${s}.consents (
  customer_id text NOT NULL REFERENCES ${s}.customers (id),
  channel text NOT NULL,
  topic text NOT NULL,
  remaining bigint,
  granted_at bigint NOT NULL,
  revoked_at bigint,
  seq bigserial NOT NULL,
  PRIMARY KEY (customer_id, channel, topic)
);

CREATE TABLE ${s}.skus (
  id text PRIMARY KEY,
  title text NOT NULL,
  description text,
  image_url text,
  price bigint NOT NULL,
  currency text NOT NULL,
  stock bigint CHECK (stock >= 0),
  active boolean NOT NULL,
  seq bigserial NOT NULL
);

CREATE TABLE ${s}.orders (
  id text PRIMARY KEY,
  number text NOT NULL UNIQUE,
  customer_id text NOT NULL,
  lines jsonb NOT NULL,
  total bigint NOT NULL,
  currency text NOT NULL,
  status text NOT NULL,
  provider text NOT NULL,
  idempotency_key text,
  attribution jsonb,
  refunded bigint NOT NULL DEFAULT 0,
  provider_ref text,
  -- What createOrder took from stock, so a release gives back exactly that, once.
  reserved jsonb NOT NULL DEFAULT '[]',
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  paid_at bigint,
  updated_at bigint NOT NULL
);
CREATE UNIQUE INDEX orders_idempotency ON ${s}.orders (customer_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX ON ${s}.orders (customer_id, created_at DESC, id DESC);
CREATE INDEX ON ${s}.orders (created_at DESC, id DESC);
CREATE INDEX ON ${s}.orders (expires_at) WHERE status = 'pending';

CREATE TABLE ${s}.payments (
  id text PRIMARY KEY,
  order_id text NOT NULL,
  provider text NOT NULL,
  provider_ref text,
  amount bigint NOT NULL,
  currency text NOT NULL,
  status text NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  seq bigserial NOT NULL
);
CREATE INDEX ON ${s}.payments (order_id);

-- The webhook inbox: the primary key is what makes a delivery count once.
CREATE TABLE ${s}.webhook_deliveries (
  provider text NOT NULL,
  event_id text NOT NULL,
  received_at bigint NOT NULL,
  PRIMARY KEY (provider, event_id)
);

CREATE TABLE ${s}.refunds (
  id text PRIMARY KEY,
  order_id text NOT NULL,
  number text NOT NULL UNIQUE,
  amount bigint NOT NULL,
  currency text NOT NULL,
  reason text,
  status text NOT NULL,
  provider_ref text,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  seq bigserial NOT NULL
);
CREATE INDEX ON ${s}.refunds (order_id);

CREATE TABLE ${s}.shares (
  id text PRIMARY KEY,
  customer_id text NOT NULL,
  sku_id text,
  target text NOT NULL,
  channel text,
  created_at bigint NOT NULL,
  seq bigserial NOT NULL
);
CREATE INDEX ON ${s}.shares (customer_id);

CREATE TABLE ${s}.visits (
  id text PRIMARY KEY,
  share_id text NOT NULL,
  sharer_id text NOT NULL,
  visitor_key text NOT NULL,
  customer_id text,
  at bigint NOT NULL,
  seq bigserial NOT NULL
);
CREATE INDEX ON ${s}.visits (visitor_key);
CREATE INDEX ON ${s}.visits (customer_id) WHERE customer_id IS NOT NULL;

CREATE TABLE ${s}.rewards (
  id text PRIMARY KEY,
  sharer_id text NOT NULL,
  order_id text NOT NULL,
  kind text NOT NULL,
  amount bigint NOT NULL,
  currency text NOT NULL,
  coupon text,
  status text NOT NULL,
  release_at bigint NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  seq bigserial NOT NULL,
  UNIQUE (sharer_id, order_id)
);
CREATE INDEX ON ${s}.rewards (order_id);

CREATE TABLE ${s}.events (
  seq bigserial PRIMARY KEY,
  id text NOT NULL,
  type text NOT NULL,
  at bigint NOT NULL,
  customer_id text,
  order_id text,
  data jsonb NOT NULL
);
CREATE INDEX ON ${s}.events (customer_id, seq) WHERE customer_id IS NOT NULL;
CREATE INDEX ON ${s}.events (order_id, seq) WHERE order_id IS NOT NULL;

CREATE TABLE ${s}.notifications (
  id text PRIMARY KEY,
  dedupe_key text NOT NULL UNIQUE,
  channel text NOT NULL,
  customer_id text NOT NULL,
  message jsonb NOT NULL,
  status text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at bigint NOT NULL,
  lease_until bigint,
  lease_token text,
  last_error text,
  provider_message_id text,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  seq bigserial NOT NULL
);
CREATE INDEX notifications_due ON ${s}.notifications (next_attempt_at) WHERE status = 'pending';
CREATE INDEX ON ${s}.notifications (customer_id);

CREATE TABLE ${s}.cache (
  key text PRIMARY KEY,
  value text NOT NULL,
  expires_at bigint NOT NULL
);
`
}
