import { withDeadline } from '../_internal/deadline.js'
import { foldRollups } from '../flows/analytics/fold.js'
import { startDueCampaigns } from '../flows/campaign/schedule.js'
import { dispatchUntilIdle } from '../flows/dispatch-until-idle.js'
import { expireDue } from '../flows/lifecycle.js'
import { reconcileRefunds } from '../flows/reconcile-refunds.js'
import type { BackgroundLoop } from './background.js'
import type { Runtime } from './runtime.js'

/** How often each loop runs; `loop.start({ intervalMs })` sets them all at once. */
export interface BackgroundIntervals {
  dispatchMs: number
  expiryMs: number
  refundsMs: number
  analyticsMs: number
  tickMs: number
  campaignsMs: number
}

/** Runs every plugin's `tick` hooks once, each under the adapter deadline; a failing one is reported. */
export async function runTickHooks(rt: Runtime): Promise<void> {
  for (const plugin of rt.plugins) {
    for (const hook of plugin.hooks?.tick ?? []) {
      try {
        await withDeadline(
          hook({ context: rt.context }),
          rt.config.adapterTimeoutMs,
          `plugin ${plugin.id} tick`,
        )
      } catch (error) {
        rt.reportError(error, `plugin ${plugin.id} tick`)
      }
    }
  }
}

/** The loops `loop.start()` runs, each independent of the others; this is the one place to add another. */
export function backgroundLoops(rt: Runtime, every: BackgroundIntervals): BackgroundLoop[] {
  const expiryLimit = 100
  const refundLimit = 20
  return [
    {
      name: 'dispatch',
      intervalMs: every.dispatchMs,
      run: async (signal) => {
        await dispatchUntilIdle(rt, { signal })
        return {}
      },
    },
    {
      name: 'expiry',
      intervalMs: every.expiryMs,
      run: async () => {
        const r = await expireDue(rt, { limit: expiryLimit })
        return { again: r.expired + r.paid >= expiryLimit }
      },
    },
    {
      // Each provider call inside has its own deadline (`refunds.providerTimeoutMs`).
      name: 'refunds',
      intervalMs: every.refundsMs,
      run: async () => {
        const r = await reconcileRefunds(rt, { limit: refundLimit })
        return { again: r.checked >= refundLimit }
      },
    },
    {
      // Rollups for loop.analytics, folded from the event log (each storage call has a deadline).
      name: 'analytics',
      intervalMs: every.analyticsMs,
      // While behind it takes at most `analytics.foldShare` of the process's time (default 0.05), so
      // a burst of checkouts is not slowed by it; it catches up after.
      run: async (signal) => {
        if (!rt.storage.applyRollups) return {}
        const batches = 10
        const { folded } = await foldRollups({
          storage: rt.storage,
          zone: rt.options.analytics?.zone ?? 'UTC',
          maxBatches: batches,
          share: rt.options.analytics?.foldShare ?? 0.05,
          signal,
        })
        return { again: folded >= batches * 1000 }
      },
    },
    {
      // Scheduled campaigns whose time has come, started by one instance (a storage claim).
      name: 'campaigns',
      intervalMs: every.campaignsMs,
      run: async () => {
        const limit = 10
        const r = await startDueCampaigns(rt, { limit })
        return { again: r.started + r.resumed >= limit }
      },
    },
    {
      name: 'tick',
      intervalMs: every.tickMs,
      run: async () => {
        await runTickHooks(rt)
        return {}
      },
    },
  ]
}
