import type { Runtime } from '../../loop/runtime.js'
import { breakdown, type Dimension, series } from './breakdown.js'
import { toCsv } from './csv.js'
import { foldRollups } from './fold.js'
import { funnel } from './funnel.js'
import { cohorts, leaderboard, virality } from './growth.js'
import type { AnalyticsWindow } from './window.js'

export type { BreakdownRow, Dimension, SeriesPoint } from './breakdown.js'
export { csvCell, toCsv } from './csv.js'
export { type FoldRollupsInput, foldRollups } from './fold.js'
export type { Funnel, FunnelStep, FunnelStepName } from './funnel.js'
export type { Cohort, SharerRow, Virality } from './growth.js'
export type { AnalyticsWindow } from './window.js'

/** The reports `exportCsv` can write. */
export type AnalyticsReport = 'funnel' | 'series' | 'cohorts' | 'leaderboard' | Dimension

/** `loop.analytics`: every read folds the newest events first, then reads only rollups. */
export function analyticsApi(rt: Runtime) {
  const fold = (input: { maxBatches?: number } = {}) =>
    foldRollups({
      storage: rt.storage,
      zone: rt.options.analytics?.zone ?? 'UTC',
      ...(input.maxBatches !== undefined ? { maxBatches: input.maxBatches } : {}),
    })
  const api = {
    /** Folds events into the rollups now (`start()` does it in the background). */
    fold,
    /** Distinct people at each step of the loop, with conversion between steps. */
    funnel: (input: AnalyticsWindow = {}) => funnel(rt, input),
    /** Paid orders, net revenue, refunds, visits and shares per day. */
    series: (input: AnalyticsWindow = {}) => series(rt, input),
    /** Repurchase rate and time to second order by monthly cohort. */
    cohorts: (input: AnalyticsWindow = {}) => cohorts(rt, input),
    /** K = shares per buyer × distinct friend buyers per share, and the cycle time. */
    virality: (input: AnalyticsWindow = {}) => virality(rt, input),
    /** Sharers by distinct friends who bought: visits, buyers, revenue, rewards. */
    leaderboard: (input: AnalyticsWindow & { limit?: number } = {}) => leaderboard(rt, input),
    /** Conversion and net revenue per SKU, share, sharer, campaign, channel or identity provider. */
    breakdown: (input: AnalyticsWindow & { dimension: Dimension }) => breakdown(rt, input),
    /** One report as CSV, formula-looking cells neutralised (CSV injection). */
    async exportCsv(input: AnalyticsWindow & { report: AnalyticsReport }): Promise<string> {
      const { report, ...window } = input
      if (report === 'funnel') return toCsv((await api.funnel(window)).steps as never)
      if (report === 'series') return toCsv((await api.series(window)) as never)
      if (report === 'cohorts') return toCsv((await api.cohorts(window)) as never)
      if (report === 'leaderboard')
        return toCsv((await api.leaderboard({ ...window, limit: 10_000 })) as never)
      return toCsv((await api.breakdown({ ...window, dimension: report })) as never)
    },
  }
  return api
}
