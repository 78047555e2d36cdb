import { isLoopError } from '../../errors.js'
import { visitCampaign } from '../../flows/campaign/link.js'
import { htmlPage, wantsHtml } from '../pages.js'
import { enforceRateLimit } from '../rate-limit.js'
import { redirect } from '../respond.js'
import { visitorKey } from '../session.js'
import type { LoopHttpRoute, RouteContext } from './types.js'

/** What a browser sees for a forged, edited or truncated campaign link (no detail on which). */
export function brokenCampaignLinkPage(rt: RouteContext['rt']): Response {
  return htmlPage(rt, {
    status: 404,
    title: '链接无效 · This link is not valid',
    message:
      '这个链接可能复制不完整或已被修改，但店铺仍然欢迎你。\nThe link may have been cut short or changed, but the shop is still open.',
    links: [{ href: `${rt.baseUrl.origin}/`, label: '去逛逛 · Visit the shop' }],
  })
}

/**
 * Only a person following the link counts as a visit: a request the browser marks as something
 * else (an image, a script, a `fetch()` or a frame another site embeds) is still answered, but
 * records nothing, so no page can fake clicks or plant an attribution in a visitor's browser.
 * Clients that send no fetch metadata (older browsers, WeChat's in-app browser) count.
 */
function isNavigation(request: Request): boolean {
  const mode = request.headers.get('sec-fetch-mode')
  const dest = request.headers.get('sec-fetch-dest')
  return (mode === null || mode === 'navigate') && (dest === null || dest === 'document')
}

/** Over its rate limit a link still leads on, but records nothing: a flood cannot fill the visit log. */
async function withinLimit(ctx: RouteContext & { request: Request }): Promise<boolean> {
  try {
    await enforceRateLimit(ctx.rt, { route: 'links', request: ctx.request, customerId: ctx.customerId })
    return true
  } catch (error) {
    if (isLoopError(error) && error.code === 'rate_limited') return false
    throw error
  }
}

export const campaignRoutes: LoopHttpRoute[] = [
  {
    method: 'GET',
    path: '/c/:token',
    async handler({ rt, request, params, customerId }) {
      const visitor = visitorKey(rt, request)
      try {
        const record = isNavigation(request) && (await withinLimit({ rt, request, customerId }))
        const { location } = await visitCampaign(rt, {
          token: params.token!,
          visitorKey: visitor.key,
          customerId,
          record,
        })
        return redirect(location, visitor.setCookie ? { 'set-cookie': visitor.setCookie } : {})
      } catch (error) {
        if (!isLoopError(error) || error.code !== 'not_found' || !wantsHtml(request)) throw error
        return brokenCampaignLinkPage(rt)
      }
    },
  },
]
