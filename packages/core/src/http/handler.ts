import type { LoopRoute } from '../contracts/plugin.js'
import { loopError } from '../errors.js'
import type { Runtime } from '../loop/runtime.js'
import { BODY_LIMITS, limitBody } from './body.js'
import { wantsHtml } from './pages.js'
import { errorResponse, RESPONSE_TEXT, SERVE, standardResponse, toErrorResponse } from './respond.js'
import { matchRoute } from './router.js'
import { analyticsRoutes, trackRoutes } from './routes/analytics.js'
import { brokenCampaignLinkPage, campaignRoutes } from './routes/campaigns.js'
import { consentRoutes } from './routes/consents.js'
import { loginRoutes } from './routes/login.js'
import { meRoutes } from './routes/me.js'
import { orderRoutes } from './routes/orders.js'
import { brokenLinkPage, shareRoutes } from './routes/shares.js'
import type { LoopHttpRoute } from './routes/types.js'
import { webhookRoutes } from './routes/webhooks.js'
import { sessionCustomer } from './session.js'

function extensionRoute(route: LoopRoute): LoopHttpRoute {
  return {
    method: route.method,
    path: route.path,
    // The loop's own routes read their bodies with a limit; these get one however they read it.
    handler: ({ rt, request, params, customerId }) =>
      route.handler({
        request: limitBody(request, BODY_LIMITS.extensions, 'http'),
        params,
        context: rt.context,
        customerId,
      }),
  }
}

/**
 * The loop's Web-standard handler: built-in routes, then routes of adapters and plugins, all under
 * the base path of `baseUrl`. Every body is read up to its route's limit (`BODY_LIMITS`). Every failure
 * is a JSON `{ error: { code, message, issues? } }` (login callbacks answer browsers with a page).
 */
export function createHandler(rt: Runtime): (request: Request) => Promise<Response> {
  const routes: LoopHttpRoute[] = [
    ...loginRoutes,
    ...meRoutes,
    ...orderRoutes,
    ...shareRoutes,
    ...campaignRoutes,
    ...consentRoutes,
    ...webhookRoutes,
    ...trackRoutes,
    ...analyticsRoutes(rt),
    ...[...rt.payments.values(), ...rt.identity.values(), ...rt.plugins].flatMap((x) =>
      (x.routes ?? []).map(extensionRoute),
    ),
  ]
  const corsOrigins = new Set(rt.options.cors?.origins ?? [])
  const withCors = (request: Request, response: Response): Response => {
    if (corsOrigins.size === 0) return response
    const origin = request.headers.get('origin')
    if (!origin || !corsOrigins.has(origin)) return response
    // Responses from Response.json() and redirects have immutable headers in some runtimes: copy.
    // The loop's own text answers are its to change.
    const res = RESPONSE_TEXT in response ? response : new Response(response.body, response)
    res.headers.set('access-control-allow-origin', origin)
    res.headers.set('access-control-allow-credentials', 'true')
    res.headers.append('vary', 'Origin')
    return res
  }
  async function serve(request: Request): Promise<Response> {
    if (request.method === 'OPTIONS' && corsOrigins.size > 0) {
      const origin = request.headers.get('origin')
      if (origin && corsOrigins.has(origin)) {
        return new Response(null, {
          status: 204,
          headers: {
            'access-control-allow-origin': origin,
            'access-control-allow-credentials': 'true',
            'access-control-allow-methods': 'GET, POST',
            'access-control-allow-headers': 'content-type, idempotency-key',
            'access-control-max-age': '600',
            vary: 'Origin',
          },
        })
      }
    }
    return withCors(request, await route(request))
  }
  const fetch = async (request: Request): Promise<Response> => standardResponse(await serve(request))
  // `loop.fetch` is the runtime's `handle`: the bridge finds the fast entry on it.
  for (const f of [fetch, rt.context.handle])
    Object.defineProperty(f, SERVE, { value: serve, configurable: true })
  return fetch

  async function route(request: Request): Promise<Response> {
    let url: URL
    try {
      url = new URL(request.url)
    } catch {
      return errorResponse(loopError('http', 'invalid_input', 'Bad request URL.'))
    }
    if (url.pathname !== rt.basePath && !url.pathname.startsWith(`${rt.basePath}/`)) {
      return errorResponse(loopError('http', 'not_found', `No route ${request.method} ${url.pathname}.`))
    }
    const path = url.pathname.slice(rt.basePath.length) || '/'
    const match = matchRoute(routes, request.method, path)
    if (!match) {
      // A share link cut or mangled into an unroutable path is still a friend at the door.
      if (request.method === 'GET' && path.startsWith('/s/') && wantsHtml(request)) return brokenLinkPage(rt)
      if (request.method === 'GET' && path.startsWith('/c/') && wantsHtml(request))
        return brokenCampaignLinkPage(rt)
      return errorResponse(loopError('http', 'not_found', `No route ${request.method} ${path}.`))
    }
    if ('allowed' in match) {
      const res = errorResponse(
        loopError('http', 'invalid_input', `Use ${match.allowed.join(' or ')} for ${path}.`, { status: 405 }),
      )
      res.headers.set('allow', match.allowed.join(', '))
      return res
    }
    try {
      const customerId = await sessionCustomer(rt, request)
      return await match.route.handler({ rt, customerId, request, params: match.params })
    } catch (error) {
      return toErrorResponse(error, (e) => rt.reportError(e, `${request.method} ${path}`))
    }
  }
}
