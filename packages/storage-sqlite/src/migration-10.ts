import type { Migration } from './migrations.js'

/** Issue #15: analytics rollups whose reads do not grow with the window. */
export const analyticsWindowsMigration: Migration = {
  version: 10,
  name: 'analytics rollups whose reads do not grow with the window',
  // Issue #15. Distinct people per window without a DISTINCT over per-day rows: rollup_seen keeps
  // each person's days per step and key (key '' also holds every keyed row, across keys), and
  // three aggregates are folded forward from it here and kept by each batch after: rollup_reach
  // (people seen on day whose previous day at the step was prev, '' for none), rollup_last
  // (people last seen on day), rollup_people_total (people ever). rollup_totals holds each
  // counter's all-time sum; first_day/last_day the days any rollup row is kept for.
  sql: `
    CREATE TABLE rollup_seen (
      step TEXT NOT NULL,
      key TEXT NOT NULL,
      person TEXT NOT NULL,
      day TEXT NOT NULL,
      PRIMARY KEY (step, key, person, day)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO rollup_seen (step, key, person, day) SELECT step, key, person, day FROM rollup_people;
    INSERT OR IGNORE INTO rollup_seen (step, key, person, day)
      SELECT step, '', person, day FROM rollup_people WHERE key <> '';
    DROP TABLE rollup_people;
    CREATE TABLE rollup_reach (
      step TEXT NOT NULL,
      day TEXT NOT NULL,
      key TEXT NOT NULL,
      prev TEXT NOT NULL,
      people INTEGER NOT NULL,
      PRIMARY KEY (step, day, key, prev)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO rollup_reach (step, day, key, prev, people)
      SELECT step, day, key, prev, COUNT(*) FROM (
        SELECT step, day, key,
          COALESCE(LAG(day) OVER (PARTITION BY step, key, person ORDER BY day), '') AS prev
        FROM rollup_seen)
      GROUP BY step, day, key, prev;
    CREATE TABLE rollup_last (
      step TEXT NOT NULL,
      day TEXT NOT NULL,
      key TEXT NOT NULL,
      people INTEGER NOT NULL,
      PRIMARY KEY (step, day, key)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO rollup_last (step, day, key, people)
      SELECT step, last, key, COUNT(*) FROM (
        SELECT step, key, MAX(day) AS last FROM rollup_seen GROUP BY step, key, person)
      GROUP BY step, last, key;
    CREATE TABLE rollup_people_total (
      step TEXT NOT NULL,
      key TEXT NOT NULL,
      people INTEGER NOT NULL,
      PRIMARY KEY (step, key)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO rollup_people_total (step, key, people)
      SELECT step, key, SUM(people) FROM rollup_last GROUP BY step, key;
    CREATE TABLE rollup_totals (
      dim TEXT NOT NULL,
      metric TEXT NOT NULL,
      key TEXT NOT NULL,
      value INTEGER NOT NULL,
      PRIMARY KEY (dim, metric, key)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO rollup_totals (dim, metric, key, value)
      SELECT dim, metric, key, SUM(value) FROM rollup_counts GROUP BY dim, metric, key;
    -- Reads without a key (key '') skip the keyed rows of a step; a leaderboard reads the counters
    -- of its top keys only.
    CREATE INDEX rollup_reach_by_key ON rollup_reach (step, key, day, prev);
    CREATE INDEX rollup_last_by_key ON rollup_last (step, key, day);
    CREATE INDEX rollup_counts_by_key ON rollup_counts (dim, key, day);
    CREATE INDEX rollup_totals_by_key ON rollup_totals (dim, key);
    ALTER TABLE rollup_cursor ADD COLUMN first_day TEXT;
    ALTER TABLE rollup_cursor ADD COLUMN last_day TEXT;
    UPDATE rollup_cursor SET
      first_day = (SELECT MIN(day) FROM (SELECT MIN(day) AS day FROM rollup_counts
                                         UNION ALL SELECT MIN(day) FROM rollup_reach)),
      last_day = (SELECT MAX(day) FROM (SELECT MAX(day) AS day FROM rollup_counts
                                        UNION ALL SELECT MAX(day) FROM rollup_reach));
  `,
}
