import type { Runtime } from '../../loop/runtime.js'
import { type AnalyticsWindow, openWindow, ratio } from './window.js'

/** A step of the people funnel. */
export type FunnelStepName =
  | 'visited'
  | 'logged_in'
  | 'checked_out'
  | 'paid'
  | 'shared'
  | 'friend_visited'
  | 'friend_bought'

/** The funnel steps, in order. */
export const funnelSteps: readonly FunnelStepName[] = [
  'visited',
  'logged_in',
  'checked_out',
  'paid',
  'shared',
  'friend_visited',
  'friend_bought',
]

/** One step of the people funnel. */
export interface FunnelStep {
  step: FunnelStepName
  /** Distinct people (customers, or browsers before login) at this step in the window. */
  people: number
  /** `people` over the previous step's `people` (1 for the first step with people). */
  conversion: number
}

/** The people funnel of a window: distinct people at each step, not events. */
export interface Funnel {
  from: string
  to: string
  steps: FunnelStep[]
}

/**
 * The people funnel: visitors → logged in → checked out → paid → shared → friends visited →
 * friends bought, each step counting distinct people in the window.
 */
export async function funnel(rt: Runtime, input: AnalyticsWindow = {}): Promise<Funnel> {
  const w = await openWindow(rt, input)
  const rows = await w.storage.countRollupPeople({ fromDay: w.from, toDay: w.to, steps: [...funnelSteps] })
  const count = new Map(rows.map((r) => [r.step, r.people]))
  let previous: number | null = null
  const steps = funnelSteps.map((step) => {
    const people = count.get(step) ?? 0
    const conversion = previous === null ? (people > 0 ? 1 : 0) : ratio(people, previous)
    previous = people
    return { step, people, conversion }
  })
  return { from: w.from, to: w.to, steps }
}
