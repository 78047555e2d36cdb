const DAY = 86_400_000
const dayNumber = (day: string) => Math.round(Date.parse(`${day}T00:00:00Z`) / DAY)

/** What {@link rollupWindowSide} weighs: the asked window and the days the rollups hold. */
export interface RollupWindowInput {
  fromDay: string
  toDay: string
  /** The earliest and latest day any rollup row is kept for (`null` while there are none). */
  firstDay: string | null
  lastDay: string | null
  /**
   * How many more rows a day of the per-day rows holds than a day of the rows the outside side
   * reads besides them (1 for counters; more for distinct people counted without a key, where a
   * day holds one row per earlier day a person was last seen on). Default 1.
   */
  density?: number
}

/**
 * Which side of a window is cheaper to read for a SQL rollup adapter that keeps all-time totals
 * next to per-day rows: `inside` sums the days of the window; `outside` takes the totals and
 * subtracts the days before and after it. Both give the same exact numbers; the choice is only
 * the number of rows read (an all-time window reads the totals alone, the 30 days ending today
 * read 30 days).
 *
 * @example
 * ```ts
 * rollupWindowSide({ fromDay: '2026-01-01', toDay: '2026-12-31', firstDay: '2026-01-05', lastDay: '2026-06-30' })
 * // 'outside': nothing lies outside the window, the totals are the answer
 * ```
 */
export function rollupWindowSide(input: RollupWindowInput): 'inside' | 'outside' {
  if (input.firstDay === null || input.lastDay === null) return 'inside'
  const [from, to] = [dayNumber(input.fromDay), dayNumber(input.toDay)]
  const [first, last] = [dayNumber(input.firstDay), dayNumber(input.lastDay)]
  const density = input.density ?? 1
  const inside = Math.max(0, Math.min(to, last) - Math.max(from, first) + 1)
  const before = Math.max(0, Math.min(from - first, last - first + 1))
  const after = Math.max(0, Math.min(last - to, last - first + 1))
  return 1 + before + after * density < inside * density ? 'outside' : 'inside'
}
