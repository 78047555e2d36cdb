import type { Runtime } from '../../loop/runtime.js'
import { type AnalyticsWindow, byCurrency, openWindow, ratio } from './window.js'

/** Repurchase of one monthly cohort (customers whose first paid order fell in `month`). */
export interface Cohort {
  month: string
  buyers: number
  repeaters: number
  /** `repeaters / buyers`. */
  repurchaseRate: number
  /** Mean time from first to second paid order of the repeaters, in ms (null without repeaters). */
  meanTimeToSecondOrderMs: number | null
}

/**
 * Repurchase rate and time to second order by monthly cohort, for the months the window touches.
 * A refund does not undo a repurchase: the customer came back and paid.
 */
export async function cohorts(rt: Runtime, input: AnalyticsWindow = {}): Promise<Cohort[]> {
  const w = await openWindow(rt, input)
  const rows = await w.storage.rollupCohorts({ fromMonth: w.from.slice(0, 7), toMonth: w.to.slice(0, 7) })
  return rows.map((r) => ({
    month: r.month,
    buyers: r.buyers,
    repeaters: r.repeaters,
    repurchaseRate: ratio(r.repeaters, r.buyers),
    meanTimeToSecondOrderMs: r.repeaters > 0 ? Math.round(r.secondOrderMs / r.repeaters) : null,
  }))
}

/** The viral coefficient of a window. */
export interface Virality {
  from: string
  to: string
  buyers: number
  shares: number
  /** Summed over sharers: distinct friends who bought through each sharer. */
  friendBuyers: number
  sharesPerBuyer: number
  conversionsPerShare: number
  /** `sharesPerBuyer × conversionsPerShare`. */
  k: number
  /** Mean time from a share to the friend's paid order, in ms (null without one). */
  meanCycleTimeMs: number | null
}

/** K = shares per buyer × conversions per share, where a conversion is a distinct friend who bought. */
export async function virality(rt: Runtime, input: AnalyticsWindow = {}): Promise<Virality> {
  const w = await openWindow(rt, input)
  const range = { fromDay: w.from, toDay: w.to }
  const [people, perSharer, sums] = await Promise.all([
    w.storage.countRollupPeople({ ...range, steps: ['paid'] }),
    w.storage.countRollupPeople({ ...range, steps: ['friend_bought'], byKey: true }),
    w.storage.sumRollups({ ...range, dim: 'all', metrics: ['shares', 'cycle_ms', 'cycles'] }),
  ])
  const sum = (m: string) => sums.filter((r) => r.metric === m).reduce((a, r) => a + r.value, 0)
  const buyers = people[0]?.people ?? 0
  const shares = sum('shares')
  const friendBuyers = perSharer.reduce((a, r) => a + r.people, 0)
  const sharesPerBuyer = ratio(shares, buyers)
  const conversionsPerShare = ratio(friendBuyers, shares)
  const cycles = sum('cycles')
  return {
    from: w.from,
    to: w.to,
    buyers,
    shares,
    friendBuyers,
    sharesPerBuyer,
    conversionsPerShare,
    k: shares > 0 && buyers > 0 ? Math.round((friendBuyers / buyers) * 10_000) / 10_000 : 0,
    meanCycleTimeMs: cycles > 0 ? Math.round(sum('cycle_ms') / cycles) : null,
  }
}

/** One sharer's results in a window. */
export interface SharerRow {
  sharerId: string
  shares: number
  visits: number
  /** Distinct friends who bought through this sharer. */
  buyers: number
  orders: number
  /** Net of refunds, by currency. */
  revenue: Record<string, number>
  /** Accrued less clawed back, by currency. */
  rewards: Record<string, number>
  /** This sharer's own K: distinct friends who bought per share. */
  k: number
}

const sharerMetrics = ['shares', 'visits', 'orders', 'revenue:*', 'rewards:*']

/**
 * Sharers ranked by distinct friends who bought, then visits, then id; at most `limit` (default 20).
 * A storage that ranks keys itself (`topRollupKeys`) is asked for the top sharers, and only their
 * counters are read; otherwise every sharer of the window is read and ranked here.
 */
export async function leaderboard(
  rt: Runtime,
  input: AnalyticsWindow & { limit?: number } = {},
): Promise<SharerRow[]> {
  const w = await openWindow(rt, input)
  const range = { fromDay: w.from, toDay: w.to }
  const limit = Math.max(0, input.limit ?? 20)
  const top = w.storage.topRollupKeys
    ? await w.storage.topRollupKeys({
        ...range,
        step: 'friend_bought',
        dim: 'sharer',
        metric: 'visits',
        limit,
      })
    : null
  // Fewer ranked than asked: sharers with shares but no visit or buyer fill the rest, by id.
  const [people, sums] =
    top && top.length === limit
      ? [
          top.map((t) => ({ step: 'friend_bought', key: t.key as string | null, people: t.people })),
          await w.storage.sumRollups({
            ...range,
            dim: 'sharer',
            metrics: sharerMetrics,
            keys: top.map((t) => t.key),
          }),
        ]
      : await Promise.all([
          w.storage.countRollupPeople({ ...range, steps: ['friend_bought'], byKey: true }),
          w.storage.sumRollups({ ...range, dim: 'sharer', metrics: sharerMetrics }),
        ])
  const only = top && top.length === limit ? new Set(top.map((t) => t.key)) : null
  const rows = new Map<string, SharerRow>()
  const row = (id: string) => {
    let r = rows.get(id)
    if (!r) {
      r = { sharerId: id, shares: 0, visits: 0, buyers: 0, orders: 0, revenue: {}, rewards: {}, k: 0 }
      rows.set(id, r)
    }
    return r
  }
  for (const p of people) if (p.key) row(p.key).buyers = p.people
  for (const s of sums) {
    if (only && !only.has(s.key)) continue
    const r = row(s.key)
    if (s.metric === 'shares' || s.metric === 'visits' || s.metric === 'orders') r[s.metric] += s.value
    else if (s.metric.startsWith('revenue:')) Object.assign(r.revenue, byCurrency([s], 'revenue'))
    else if (s.metric.startsWith('rewards:')) Object.assign(r.rewards, byCurrency([s], 'rewards'))
  }
  for (const r of rows.values()) r.k = ratio(r.buyers, r.shares)
  return [...rows.values()]
    .sort((a, b) => b.buyers - a.buyers || b.visits - a.visits || (a.sharerId < b.sharerId ? -1 : 1))
    .slice(0, limit)
}
