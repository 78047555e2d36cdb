import { loopError } from '../../errors.js'
import { dayOf } from '../../flows/analytics/days.js'
import {
  type AnalyticsReport,
  type AnalyticsWindow,
  analyticsApi,
  type Dimension,
} from '../../flows/analytics/index.js'
import { visitorId } from '../../flows/share.js'
import type { Runtime } from '../../loop/runtime.js'
import { json } from '../respond.js'
import { visitorKey } from '../session.js'
import type { LoopHttpRoute } from './types.js'

const reports = [
  'funnel',
  'series',
  'cohorts',
  'leaderboard',
  'sku',
  'share',
  'sharer',
  'campaign',
  'channel',
  'idp',
]

function windowOf(request: Request): AnalyticsWindow {
  const q = new URL(request.url).searchParams
  const out: AnalyticsWindow = {}
  const from = q.get('from')
  const to = q.get('to')
  if (from !== null) out.from = from
  if (to !== null) out.to = to
  return out
}

/**
 * `/analytics/*`: the analytics API as JSON (and CSV), only when the host passes
 * `analytics.authorize`; every request must pass it (else 403, and nothing is read).
 */
export function analyticsRoutes(rt: Runtime): LoopHttpRoute[] {
  const authorize = rt.options.analytics?.authorize
  if (!authorize) return []
  const api = analyticsApi(rt)
  const guarded = (
    path: string,
    read: (request: Request, params: Record<string, string>) => Promise<Response>,
  ): LoopHttpRoute => ({
    method: 'GET',
    path: `/analytics${path}`,
    async handler({ request, params }) {
      if ((await authorize(request)) !== true)
        throw loopError('analytics', 'forbidden', 'Not allowed to read analytics.')
      const res = await read(request, params)
      res.headers.set('cache-control', 'private, no-store')
      return res
    },
  })
  return [
    guarded('/funnel', async (r) => json(await api.funnel(windowOf(r)))),
    guarded('/series', async (r) => json(await api.series(windowOf(r)))),
    guarded('/cohorts', async (r) => json(await api.cohorts(windowOf(r)))),
    guarded('/virality', async (r) => json(await api.virality(windowOf(r)))),
    guarded('/leaderboard', async (r) => {
      const limit = Number(new URL(r.url).searchParams.get('limit') ?? 20)
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw loopError('analytics', 'invalid_input', '`limit` must be an integer from 1 to 1000.')
      return json(await api.leaderboard({ ...windowOf(r), limit }))
    }),
    guarded('/breakdown/:dimension', async (r, p) =>
      json(await api.breakdown({ ...windowOf(r), dimension: p.dimension as Dimension })),
    ),
    guarded('/export/:report', async (r, p) => {
      const report = (p.report ?? '').replace(/\.csv$/, '')
      if (!reports.includes(report))
        throw loopError('analytics', 'invalid_input', `\`report\` must be one of ${reports.join(', ')}.`)
      const csv = await api.exportCsv({ ...windowOf(r), report: report as AnalyticsReport })
      return new Response(csv, {
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="${report}.csv"`,
        },
      })
    }),
  ]
}

/**
 * `POST /track`: the widget's `track()` reports a page view. Sets the first-party visitor cookie
 * (the same one share visits use) and records one `visitor.seen` per browser per day.
 */
export const trackRoutes: LoopHttpRoute[] = [
  {
    method: 'POST',
    path: '/track',
    async handler({ rt, request, customerId }) {
      const visitor = visitorKey(rt, request)
      const q = new URL(request.url).searchParams.get('path')
      const path = q && q.length <= 200 && q.startsWith('/') ? q : null
      await seen(rt, visitorId(rt, visitor.key), customerId, path)
      return new Response(null, {
        status: 204,
        headers: visitor.setCookie ? { 'set-cookie': visitor.setCookie } : {},
      })
    },
  },
]

async function seen(rt: Runtime, visitor: string, customerId: string | null, path: string | null) {
  const now = rt.now()
  const day = dayOf(now, rt.options.analytics?.zone ?? 'UTC')
  // One event per browser per day is all the funnel counts; the lock keeps a reloading page from
  // filling the log.
  const { stored } = await rt.storage.cacheSet({
    key: `analytics:seen:${visitor}:${day}`,
    value: '1',
    ttlMs: 86_400_000 * 2,
    now,
    ifAbsent: true,
  })
  if (!stored) return
  const events = [rt.event('visitor.seen', { visitor, path }, { customerId })]
  await rt.storage.appendEvents({ events })
  rt.published({ events })
}
