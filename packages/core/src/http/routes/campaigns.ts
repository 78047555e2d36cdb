import { isLoopError } from '../../errors.js'
import { visitCampaign } from '../../flows/campaign/link.js'
import { recordsVisit } from '../link-visit.js'
import { htmlPage, wantsHtml } from '../pages.js'
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

export const campaignRoutes: LoopHttpRoute[] = [
  {
    method: 'GET',
    path: '/c/:token',
    async handler({ rt, request, params, customerId }) {
      const visitor = visitorKey(rt, request)
      try {
        const record = await recordsVisit({ rt, request, customerId })
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
