/**
 * Issue #15: analytics reads that do not grow with the window. Distinct people per window without a
 * DISTINCT over per-day rows: `rollup_seen` keeps each person's days per step and key (key `''`
 * also holds every keyed row, across keys), and three aggregates are folded forward from it here
 * and kept by each batch after: `rollup_reach` (people seen on `day` whose previous day at the step
 * was `prev`, `''` for none), `rollup_last` (people last seen on `day`), `rollup_people_total`
 * (people ever). `rollup_totals` holds each counter's all-time sum; `first_day`/`last_day` the days
 * any rollup row is kept for (they only steer which side of a window a read takes).
 */
export function analyticsWindows(s: string): string {
  return `
CREATE TABLE ${s}.rollup_seen (
  step text NOT NULL,
  key text NOT NULL,
  person text NOT NULL,
  day text NOT NULL,
  PRIMARY KEY (step, key, person, day)
);
INSERT INTO ${s}.rollup_seen (step, key, person, day)
  SELECT step, key, person, day FROM ${s}.rollup_people
  UNION SELECT step, '', person, day FROM ${s}.rollup_people WHERE key <> '';
DROP TABLE ${s}.rollup_people;

CREATE TABLE ${s}.rollup_reach (
  step text NOT NULL,
  day text NOT NULL,
  key text NOT NULL,
  prev text NOT NULL,
  people bigint NOT NULL,
  PRIMARY KEY (step, day, key, prev)
);
INSERT INTO ${s}.rollup_reach (step, day, key, prev, people)
  SELECT step, day, key, prev, COUNT(*) FROM (
    SELECT step, day, key, COALESCE(LAG(day) OVER (PARTITION BY step, key, person ORDER BY day), '') AS prev
    FROM ${s}.rollup_seen) AS x
  GROUP BY step, day, key, prev;

CREATE TABLE ${s}.rollup_last (
  step text NOT NULL,
  day text NOT NULL,
  key text NOT NULL,
  people bigint NOT NULL,
  PRIMARY KEY (step, day, key)
);
INSERT INTO ${s}.rollup_last (step, day, key, people)
  SELECT step, last, key, COUNT(*) FROM (
    SELECT step, key, MAX(day) AS last FROM ${s}.rollup_seen GROUP BY step, key, person) AS x
  GROUP BY step, last, key;

CREATE TABLE ${s}.rollup_people_total (
  step text NOT NULL,
  key text NOT NULL,
  people bigint NOT NULL,
  PRIMARY KEY (step, key)
);
INSERT INTO ${s}.rollup_people_total (step, key, people)
  SELECT step, key, SUM(people) FROM ${s}.rollup_last GROUP BY step, key;

CREATE TABLE ${s}.rollup_totals (
  dim text NOT NULL,
  metric text NOT NULL,
  key text NOT NULL,
  value bigint NOT NULL,
  PRIMARY KEY (dim, metric, key)
);
INSERT INTO ${s}.rollup_totals (dim, metric, key, value)
  SELECT dim, metric, key, SUM(value) FROM ${s}.rollup_counts GROUP BY dim, metric, key;
-- Reads without a key (key '') skip the keyed rows of a step; a leaderboard reads the counters of
-- its top keys only.
CREATE INDEX rollup_reach_by_key ON ${s}.rollup_reach (step, key, day, prev);
CREATE INDEX rollup_last_by_key ON ${s}.rollup_last (step, key, day);
CREATE INDEX rollup_counts_by_key ON ${s}.rollup_counts (dim, key, day);
CREATE INDEX rollup_totals_by_key ON ${s}.rollup_totals (dim, key);

ALTER TABLE ${s}.rollup_cursor ADD COLUMN first_day text, ADD COLUMN last_day text;
UPDATE ${s}.rollup_cursor SET
  first_day = LEAST((SELECT MIN(day) FROM ${s}.rollup_counts), (SELECT MIN(day) FROM ${s}.rollup_reach)),
  last_day = GREATEST((SELECT MAX(day) FROM ${s}.rollup_counts), (SELECT MAX(day) FROM ${s}.rollup_reach));
`
}
