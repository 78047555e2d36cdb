/**
 * Issue #15: the rollups `loop.analytics` reads instead of the event log. `rollup_cursor` holds the
 * seq of the last folded event, moved by compare-and-set in the transaction that applies a batch,
 * so several instances folding at once count every event exactly once.
 */
export function analyticsRollups(s: string): string {
  return `
CREATE TABLE ${s}.rollup_cursor (
  id integer PRIMARY KEY CHECK (id = 1),
  cursor bigint NOT NULL
);
INSERT INTO ${s}.rollup_cursor (id, cursor) VALUES (1, 0);

CREATE TABLE ${s}.rollup_counts (
  dim text NOT NULL,
  day text NOT NULL,
  metric text NOT NULL,
  key text NOT NULL,
  value bigint NOT NULL,
  PRIMARY KEY (dim, day, metric, key)
);

CREATE TABLE ${s}.rollup_people (
  step text NOT NULL,
  day text NOT NULL,
  key text NOT NULL,
  person text NOT NULL,
  PRIMARY KEY (step, day, key, person)
);

CREATE TABLE ${s}.rollup_buyers (
  customer_id text PRIMARY KEY,
  orders bigint NOT NULL,
  first_at bigint NOT NULL,
  month text NOT NULL,
  second_at bigint
);
CREATE INDEX ON ${s}.rollup_buyers (month);
`
}
