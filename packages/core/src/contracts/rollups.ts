/**
 * Rollups: what analytics reads instead of the raw event log. A fold (in `@loopkit/core`) turns a
 * batch of events into additive counters, presence rows (one per day, step, key and person, for
 * distinct-people metrics) and paid purchases (for cohorts); the storage applies a batch together
 * with the move of the fold cursor, in one transaction, so a batch is counted exactly once even
 * when several app instances fold at the same time.
 *
 * How a SQL adapter keeps reads from growing with the window (what `@loopkit/storage-sqlite` and
 * `@loopkit/storage-postgres` do; the memory adapter computes the same numbers by brute force):
 * counters are kept per day *and* as all-time totals, so a sum reads either the days of the window
 * or the totals less the days outside it (`rollupWindowSide`). Distinct people are kept
 * exactly with, per person and step, the days they were seen, and aggregated from them: per
 * `(day, previous day seen)` how many people were seen on `day` and last before it on that previous
 * day, per day how many people were last seen then, and per step how many people ever. The people
 * seen in `[a, b]` are those whose first day on or after `a` is at most `b`: the rows of days
 * `a..b` whose previous day is before `a`; or, from outside the window, everyone less those last
 * seen before `a` less the rows after `b` whose previous day is before `a`.
 */

/** An additive counter: `value` is added to the row `(day, metric, dim, key)`. */
export interface RollupCount {
  /** `YYYY-MM-DD` in the loop's analytics time zone. */
  day: string
  /** E.g. `orders`, `revenue:CNY`, `visits`. */
  metric: string
  /** The dimension: `all` (key `''`), `sku`, `share`, `sharer`, `campaign`, `channel`, `idp`. */
  dim: string
  key: string
  /** May be negative (a refund nets revenue out). */
  value: number
}

/**
 * One person seen at one funnel step on one day; a repeat of the same row is ignored. A step is
 * counted either per key (every row with a key) or without one (every row with key `''`).
 */
export interface RollupPresence {
  day: string
  /** E.g. `visited`, `logged_in`, `paid`, `friend_bought`. */
  step: string
  /** `''`, or what the step is counted per (the sharer of `friend_bought`). */
  key: string
  /** A customer id, or `v:<visitor id>` for a browser not logged in. */
  person: string
}

/**
 * A paid order, for the repurchase cohorts: a customer's earliest paid order sets their cohort, and
 * the second earliest their time to second order, whatever order the purchases arrive in.
 */
export interface RollupPurchase {
  customerId: string
  at: number
  /** `YYYY-MM` of `at` in the analytics time zone. */
  month: string
}

/** What one fold step writes. */
export interface RollupBatch {
  counts: RollupCount[]
  people: RollupPresence[]
  /** In event order. */
  purchases: RollupPurchase[]
}

/** A summed counter; `day` is `null` unless the sum was asked `byDay`. */
export interface RollupSum {
  day: string | null
  metric: string
  key: string
  value: number
}

/** Distinct people at a step; `key` is `null` unless counted `byKey`. */
export interface RollupPeople {
  step: string
  key: string | null
  people: number
}

/** One key of a dimension as {@link RollupStorage.topRollupKeys} ranks it. */
export interface RollupRank {
  key: string
  /** Distinct people at the ranking step under this key. */
  people: number
  /** The sum of the tie-breaking counter under this key. */
  value: number
}

/** One monthly cohort: customers whose first paid order fell in `month`. */
export interface RollupCohort {
  month: string
  buyers: number
  /** Of them, how many paid a second order (at any later time). */
  repeaters: number
  /** Sum over the repeaters of the time from first to second paid order, in ms. */
  secondOrderMs: number
}

/**
 * The rollup operations of a storage adapter: an optional capability (an adapter without them
 * cannot serve `loop.analytics`). Proven by the rollup cases of `testStorageAdapter()`.
 */
export interface RollupStorage {
  /** The seq of the last event folded (0 before the first fold). */
  rollupCursor(input: Record<string, never>): Promise<{ cursor: number }>
  /**
   * Applies `batch` and moves the cursor from `from` to `to` in one transaction, only if the
   * cursor is still `from` (compare-and-set). Otherwise changes nothing: `applied: false`.
   * Presence rows already present are skipped; a purchase earlier than a customer's first becomes
   * their first (moving their cohort), and the old first their second.
   */
  applyRollups(input: { from: number; to: number; batch: RollupBatch }): Promise<{ applied: boolean }>
  /**
   * Sums counters of `dim` over days `fromDay..toDay` (inclusive), per metric and key (and day).
   * A metric ending in `:*` stands for every metric with that prefix (`revenue:*`), `*` for all.
   * Without `byDay`, a sum of 0 (nothing in the window, or a refund that netted it out) is left out.
   */
  sumRollups(input: {
    fromDay: string
    toDay: string
    metrics: string[]
    dim: string
    byDay?: boolean
    /** Only these keys (a leaderboard's top rows); default all. */
    keys?: string[]
  }): Promise<RollupSum[]>
  /**
   * Distinct persons per step over `fromDay..toDay` (inclusive): across keys (a person seen under
   * two keys is one), or `byKey` per key (a step counted without keys gives one row with key `''`).
   * Steps with nobody in the window are left out.
   */
  countRollupPeople(input: {
    fromDay: string
    toDay: string
    steps: string[]
    byKey?: boolean
  }): Promise<RollupPeople[]>
  /**
   * Optional: the top `limit` keys over `fromDay..toDay`, ranked by distinct people at `step` under
   * the key, then by the sum of counter `metric` of `dim` under it, then by key (ascending, by code
   * unit); only keys with people or a non-zero sum. Lets a leaderboard read its top rows without
   * reading every key; without it, `loop.analytics` ranks every key itself.
   */
  topRollupKeys?(input: {
    fromDay: string
    toDay: string
    step: string
    dim: string
    metric: string
    limit: number
  }): Promise<RollupRank[]>
  /** The cohorts of months `fromMonth..toMonth` (inclusive), oldest first. */
  rollupCohorts(input: { fromMonth: string; toMonth: string }): Promise<RollupCohort[]>
}
