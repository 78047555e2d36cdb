import type { AudienceFilter } from '../../packages/core/src/index.js'

/** One side of the comparison: count the segment, or serve one page of its members' ids. */
export interface AudienceSide {
  count(): Promise<number>
  page(after: string | null, limit: number): Promise<{ ids: string[]; next: string | null }>
}

/** The bench's clock: members' "last order" times are counted back from here. */
export const NOW = Date.UTC(2026, 10, 1)
export const DAY = 86_400_000

/**
 * A realistic push segment: followers who bought in the last 90 days and are either tagged `vip`
 * or spent at least ¥500 (50,000 fen).
 */
export const SEGMENT: AudienceFilter = {
  all: [
    { followed: true },
    { lastOrderWithinDays: 90 },
    { any: [{ tag: 'vip' }, { spent: { currency: 'CNY', min: 50_000 } }] },
  ],
}

/**
 * The pool, as SQL expressions of `i` (0 ≤ i < N) that both databases evaluate: one in three
 * follows, one in ten is `vip`, one in four has bought (1–5 orders, 0–120,000 fen in CNY, last paid
 * 0–199 days before NOW). Ids are `cus_` + 8 digits, in creation order.
 */
export const poolShape = {
  followed: (i: string) => `CASE WHEN ${i} % 3 = 0 THEN ${NOW - 400 * DAY} END`,
  vip: (i: string) => `${i} % 10 = 0`,
  buyer: (i: string) => `${i} % 4 = 0`,
  orders: (i: string) => `1 + ${i} % 5`,
  spent: (i: string) => `(${i} % 7) * 20000`,
  lastPaid: (i: string) => `${NOW} - CAST(${i} % 200 AS BIGINT) * ${DAY}`,
}
