/** Options of {@link track}. */
export interface TrackOptions {
  /** Where `loop.fetch` is mounted, e.g. `https://shop.example/loop`. */
  baseUrl: string
  /** The page viewed (a path). Default: `location.pathname` in a browser. */
  path?: string
  /** Injectable for tests. Default: the global `fetch`. */
  fetch?: typeof fetch
}

/**
 * Reports a page view to the loop (`POST /track`), so the people funnel has a visit step outside
 * share links. The loop sets its first-party visitor cookie (the same one share visits use) and
 * counts each browser once a day. Never throws: resolves `false` when the report did not land.
 *
 * @example
 * ```ts
 * import { track } from '@loopkit/widget'
 *
 * void track({ baseUrl: '/loop' })
 * ```
 */
export async function track(options: TrackOptions): Promise<boolean> {
  const path = options.path ?? (typeof location === 'undefined' ? undefined : location.pathname)
  const url = `${options.baseUrl.replace(/\/$/, '')}/track${path ? `?path=${encodeURIComponent(path)}` : ''}`
  try {
    const res = await (options.fetch ?? fetch)(url, {
      method: 'POST',
      credentials: 'include',
      keepalive: true,
    })
    return res.ok
  } catch {
    return false
  }
}
