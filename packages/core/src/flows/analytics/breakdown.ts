import { loopError } from '../../errors.js'
import type { Runtime } from '../../loop/runtime.js'
import { daysBetween } from './days.js'
import { type AnalyticsWindow, byCurrency, openWindow, ratio } from './window.js'

/** A dimension rollups are kept by (`idp`: identity provider). */
export type Dimension = 'sku' | 'share' | 'sharer' | 'campaign' | 'channel' | 'idp'
/** The dimensions a breakdown can be asked for. */
export const dimensions: readonly Dimension[] = ['sku', 'share', 'sharer', 'campaign', 'channel', 'idp']

/** One key of a dimension (a SKU, a campaign, a channel…) in a window. */
export interface BreakdownRow {
  key: string
  visits: number
  shares: number
  orders: number
  /** Net of refunds, by currency. */
  revenue: Record<string, number>
  /** Campaigns: distinct customers the campaign reached, and of them who bought. */
  reached: number
  bought: number
  /** Campaigns: `bought / reached`; others: `orders / visits`. */
  conversion: number
  /** Other counters of the key (`logins`, `units`, `event:<type>` for campaigns…). */
  counts: Record<string, number>
}

/** Counters per key of one dimension, with conversion and net revenue. */
export async function breakdown(
  rt: Runtime,
  input: AnalyticsWindow & { dimension: Dimension },
): Promise<BreakdownRow[]> {
  if (!dimensions.includes(input.dimension))
    throw loopError('analytics', 'invalid_input', `\`dimension\` must be one of ${dimensions.join(', ')}.`)
  const w = await openWindow(rt, input)
  const range = { fromDay: w.from, toDay: w.to }
  const [sums, people] = await Promise.all([
    w.storage.sumRollups({ ...range, dim: input.dimension, metrics: ['*'] }),
    input.dimension === 'campaign'
      ? w.storage.countRollupPeople({ ...range, steps: ['campaign_reached', 'campaign_bought'], byKey: true })
      : Promise.resolve([]),
  ])
  const rows = new Map<string, BreakdownRow>()
  const row = (key: string) => {
    let r = rows.get(key)
    if (!r) {
      r = {
        key,
        visits: 0,
        shares: 0,
        orders: 0,
        revenue: {},
        reached: 0,
        bought: 0,
        conversion: 0,
        counts: {},
      }
      rows.set(key, r)
    }
    return r
  }
  for (const s of sums) {
    const r = row(s.key)
    if (s.metric === 'visits' || s.metric === 'shares' || s.metric === 'orders') r[s.metric] += s.value
    else if (s.metric.startsWith('revenue:')) Object.assign(r.revenue, byCurrency([s], 'revenue'))
    else r.counts[s.metric] = (r.counts[s.metric] ?? 0) + s.value
  }
  for (const p of people) {
    if (!p.key) continue
    if (p.step === 'campaign_reached') row(p.key).reached = p.people
    else row(p.key).bought = p.people
  }
  for (const r of rows.values())
    r.conversion = input.dimension === 'campaign' ? ratio(r.bought, r.reached) : ratio(r.orders, r.visits)
  return [...rows.values()].sort((a, b) => b.orders - a.orders || a.key.localeCompare(b.key))
}

/** One day of the time series. */
export interface SeriesPoint {
  day: string
  orders: number
  /** Net of refunds (taken back on the day the order was paid), by currency. */
  revenue: Record<string, number>
  refunds: number
  visits: number
  shares: number
}

/** Paid orders, net revenue, refunds, visits and shares per day of the window (every day present). */
export async function series(rt: Runtime, input: AnalyticsWindow = {}): Promise<SeriesPoint[]> {
  const w = await openWindow(rt, input)
  const sums = await w.storage.sumRollups({
    fromDay: w.from,
    toDay: w.to,
    dim: 'all',
    metrics: ['orders', 'revenue:*', 'refunds', 'visits', 'shares'],
    byDay: true,
  })
  const points = new Map(
    daysBetween(w.from, w.to).map((day) => [
      day,
      { day, orders: 0, revenue: {}, refunds: 0, visits: 0, shares: 0 } as SeriesPoint,
    ]),
  )
  for (const s of sums) {
    const p = s.day ? points.get(s.day) : undefined
    if (!p) continue
    if (s.metric.startsWith('revenue:')) Object.assign(p.revenue, byCurrency([s], 'revenue'))
    else if (
      s.metric === 'orders' ||
      s.metric === 'refunds' ||
      s.metric === 'visits' ||
      s.metric === 'shares'
    )
      p[s.metric] += s.value
  }
  return [...points.values()]
}
