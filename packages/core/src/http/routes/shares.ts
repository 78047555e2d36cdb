import { isLoopError, loopError } from '../../errors.js'
import { createShare, recordClientEvent, shareCard, visitShare } from '../../flows/share.js'
import { parseInput, shareBody } from '../../schemas.js'
import { BODY_LIMITS, readJson } from '../body.js'
import { recordsVisit } from '../link-visit.js'
import { htmlPage, wantsHtml } from '../pages.js'
import { enforceRateLimit } from '../rate-limit.js'
import { json, redirect } from '../respond.js'
import { visitorKey } from '../session.js'
import type { LoopHttpRoute, RouteContext } from './types.js'

/** What a browser sees for a forged, edited or truncated share link (no detail on which). */
export function brokenLinkPage(rt: RouteContext['rt']): Response {
  return htmlPage(rt, {
    status: 404,
    title: '分享链接无效 · This share link is not valid',
    message:
      '这个链接可能复制不完整或已被修改，但店铺仍然欢迎你。\nThe link may have been cut short or changed, but the shop is still open.',
    links: [{ href: `${rt.baseUrl.origin}/`, label: '去逛逛 · Visit the shop' }],
  })
}

export const shareRoutes: LoopHttpRoute[] = [
  {
    method: 'POST',
    path: '/shares',
    async handler({ rt, request, customerId }) {
      if (!customerId) throw loopError('share', 'unauthorized', 'Log in before sharing.')
      await enforceRateLimit(rt, { route: 'shares', request, customerId })
      const body = parseInput(shareBody, await readJson(request, 'share', BODY_LIMITS.shares), 'share')
      const { share, token, link } = await createShare(rt, { ...body, customerId })
      return json(
        {
          share: { id: share.id, skuId: share.skuId, channel: share.channel, createdAt: share.createdAt },
          token,
          link,
        },
        { status: 201 },
      )
    },
  },
  {
    method: 'GET',
    path: '/s/:token',
    async handler({ rt, request, params, customerId }) {
      const visitor = visitorKey(rt, request)
      try {
        const { location } = await visitShare(rt, {
          token: params.token!,
          visitorKey: visitor.key,
          customerId,
          record: await recordsVisit({ rt, request, customerId }),
        })
        return redirect(location, visitor.setCookie ? { 'set-cookie': visitor.setCookie } : {})
      } catch (error) {
        // A friend who opened a mangled link is the visitor the loop most wants to keep: a page, not JSON.
        if (!isLoopError(error) || error.code !== 'not_found' || !wantsHtml(request)) throw error
        return brokenLinkPage(rt)
      }
    },
  },
  {
    method: 'GET',
    path: '/shares/:token/card',
    async handler({ rt, params }) {
      return json(await shareCard(rt, { token: params.token! }))
    },
  },
  {
    method: 'POST',
    path: '/events',
    async handler({ rt, request, customerId }) {
      await enforceRateLimit(rt, { route: 'events', request, customerId })
      await recordClientEvent(rt, await readJson(request, 'events', BODY_LIMITS.events), customerId)
      return new Response(null, { status: 204 })
    },
  },
]
