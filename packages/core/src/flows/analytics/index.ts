import * as z from 'zod/mini'
import { defined } from '../../_internal/defined.js'
import type { Runtime } from '../../loop/runtime.js'
import { parseInput } from '../../schemas.js'
import { breakdown, type Dimension, series } from './breakdown.js'
import { toCsv } from './csv.js'
import { foldRollups } from './fold.js'
import { funnel } from './funnel.js'
import { cohorts, leaderboard, virality } from './growth.js'
import { type AnalyticsWindow, windowShape } from './window.js'

export type { BreakdownRow, Dimension, SeriesPoint } from './breakdown.js'
export { csvCell, toCsv } from './csv.js'
export { type FoldRollupsInput, foldRollups } from './fold.js'
export type { Funnel, FunnelStep, FunnelStepName } from './funnel.js'
export type { Cohort, SharerRow, Virality } from './growth.js'
export type { AnalyticsWindow } from './window.js'

/** The reports `exportCsv` can write. */
export type AnalyticsReport = 'funnel' | 'series' | 'cohorts' | 'leaderboard' | Dimension

const windowInput = z.strictObject(windowShape)
const leaderboardInput = z.strictObject({
  ...windowShape,
  limit: z.optional(z.int().check(z.minimum(1), z.maximum(10_000))),
})
const dimension = z.enum(['sku', 'share', 'sharer', 'campaign', 'channel', 'idp'])
const breakdownInput = z.strictObject({ ...windowShape, dimension })
const csvInput = z.strictObject({
  ...windowShape,
  report: z.union([z.enum(['funnel', 'series', 'cohorts', 'leaderboard']), dimension]),
})
const checked = <T extends object>(schema: z.ZodMiniType<T>, input: unknown) =>
  defined(parseInput(schema, input, 'analytics') as T)

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
    funnel: async (input: AnalyticsWindow = {}) => funnel(rt, checked(windowInput, input)),
    /** Paid orders, net revenue, refunds, visits and shares per day. */
    series: async (input: AnalyticsWindow = {}) => series(rt, checked(windowInput, input)),
    /** Repurchase rate and time to second order by monthly cohort. */
    cohorts: async (input: AnalyticsWindow = {}) => cohorts(rt, checked(windowInput, input)),
    /** K = shares per buyer × distinct friend buyers per share, and the cycle time. */
    virality: async (input: AnalyticsWindow = {}) => virality(rt, checked(windowInput, input)),
    /** Sharers by distinct friends who bought: visits, buyers, revenue, rewards. */
    leaderboard: async (input: AnalyticsWindow & { limit?: number } = {}) =>
      leaderboard(rt, checked(leaderboardInput, input)),
    /** Conversion and net revenue per SKU, share, sharer, campaign, channel or identity provider. */
    breakdown: async (input: AnalyticsWindow & { dimension: Dimension }) =>
      breakdown(rt, checked(breakdownInput, input)),
    /** One report as CSV, formula-looking cells neutralised (CSV injection). */
    async exportCsv(input: AnalyticsWindow & { report: AnalyticsReport }): Promise<string> {
      const { report, ...window } = checked(csvInput, input)
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
