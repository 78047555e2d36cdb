import { isLoopError } from '../errors.js'
import type { Runtime } from '../loop/runtime.js'
import { enforceRateLimit } from './rate-limit.js'

/**
 * Only a person following a link counts as a visit: a request the browser marks as something else
 * (an image, a script, a `fetch()` or a frame another site embeds) is still answered, but records
 * nothing, so no page can fake clicks or plant an attribution in a visitor's browser. Clients that
 * send no fetch metadata (older browsers, WeChat's in-app browser) count.
 */
export function isNavigation(request: Request): boolean {
  const mode = request.headers.get('sec-fetch-mode')
  const dest = request.headers.get('sec-fetch-dest')
  return (mode === null || mode === 'navigate') && (dest === null || dest === 'document')
}

/**
 * Whether a share or campaign link open may record its visit: a navigation, within the `links`
 * rate limit. Over the limit a link still leads on but records nothing, so a flood cannot fill the
 * visit log and a popular link behind one NAT never breaks.
 */
export async function recordsVisit(ctx: {
  rt: Runtime
  request: Request
  customerId: string | null
}): Promise<boolean> {
  if (!isNavigation(ctx.request)) return false
  try {
    await enforceRateLimit(ctx.rt, { route: 'links', request: ctx.request, customerId: ctx.customerId })
    return true
  } catch (error) {
    if (isLoopError(error) && error.code === 'rate_limited') return false
    throw error
  }
}
