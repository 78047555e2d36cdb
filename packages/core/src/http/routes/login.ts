import { isLoopError, type LoopError, loopError } from '../../errors.js'
import { beginLogin, completeLogin, loginWithCode } from '../../flows/login.js'
import type { Runtime } from '../../loop/runtime.js'
import { codeLoginBody, parseInput } from '../../schemas.js'
import { bindingDigest, bindingValue } from '../../security/login-binding.js'
import { safeLocation } from '../../security/redirect.js'
import { BODY_LIMITS, readJson } from '../body.js'
import { htmlPage, wantsHtml } from '../pages.js'
import { enforceRateLimit } from '../rate-limit.js'
import { json, redirect } from '../respond.js'
import {
  clearSessionCookie,
  loginBindingCookie,
  loginBindingCookieValue,
  sessionCookie,
  visitorKey,
} from '../session.js'
import type { LoopHttpRoute } from './types.js'

const callbackPages: Partial<Record<string, { title: string; message: string }>> = {
  login_state_mismatch: {
    title: 'Login not completed',
    message:
      'This login was started in another browser, or took too long. Nothing was changed. Please start the login again from this browser.',
  },
  expired: { title: 'Login expired', message: 'This login link is invalid or expired. Please log in again.' },
  replayed: {
    title: 'Login already used',
    message: 'This login link was already used. Please log in again.',
  },
}

/** A login callback's failure, as a page for a person in a browser and as JSON for everything else. */
function callbackFailure(rt: Runtime, request: Request, error: unknown): Response {
  if (!wantsHtml(request)) throw error
  if (!isLoopError(error) || error.status >= 500) rt.reportError(error, 'GET /login/:provider/callback')
  const e: LoopError = isLoopError(error) ? error : loopError('login', 'internal', 'Internal error.')
  const page = callbackPages[e.code] ?? {
    title: 'Login failed',
    message: 'The login could not be completed. Please try again.',
  }
  return htmlPage(rt, {
    status: e.status,
    ...page,
    links: [{ href: safeLocation(rt.baseUrl, '/'), label: 'Back to the shop' }],
  })
}

export const loginRoutes: LoopHttpRoute[] = [
  {
    method: 'GET',
    path: '/login/:provider',
    async handler({ rt, request, params, customerId }) {
      await enforceRateLimit(rt, { route: 'login', request, customerId })
      const url = new URL(request.url)
      const share = url.searchParams.get('share')
      const scope = url.searchParams.get('scope')
      const visitor = visitorKey(rt, request)
      // Binds the state to this browser: the callback must come back with the same cookie.
      const binding = bindingValue(loginBindingCookieValue(request))
      const location = await beginLogin(rt, {
        provider: params.provider!,
        returnTo: url.searchParams.get('returnTo') ?? '/',
        shareToken: share,
        visitorKey: visitor.key,
        binding: bindingDigest(rt.keys.login, binding.value),
        ...(scope ? { scope } : {}),
      })
      const headers: [string, string][] = [['set-cookie', loginBindingCookie(rt, binding.value)]]
      if (visitor.setCookie) headers.push(['set-cookie', visitor.setCookie])
      return redirect(location, headers)
    },
  },
  {
    method: 'GET',
    path: '/login/:provider/callback',
    async handler({ rt, request, params, customerId }) {
      try {
        const url = new URL(request.url)
        const state = url.searchParams.get('state')
        if (!state) throw loopError('login', 'invalid_input', 'The callback has no `state`.')
        const result = await completeLogin(rt, {
          provider: params.provider!,
          code: url.searchParams.get('code'),
          state,
          sessionCustomerId: customerId,
          bindingCookie: loginBindingCookieValue(request),
        })
        // Always a 302 to a clean URL on this site: the code never stays in the address bar or
        // the history, and `returnTo` is judged after the browser's own normalisation.
        if (result.kind === 'denied')
          return redirect(safeLocation(rt.baseUrl, result.returnTo, { login: result.reason }))
        const location = safeLocation(rt.baseUrl, result.returnTo)
        if (result.kind === 'already') return redirect(location)
        return redirect(location, { 'set-cookie': sessionCookie(rt, result.customer.id) })
      } catch (error) {
        return callbackFailure(rt, request, error)
      }
    },
  },
  {
    method: 'POST',
    path: '/login/:provider/code',
    async handler({ rt, request, params }) {
      const body = parseInput(codeLoginBody, await readJson(request, 'login', BODY_LIMITS.codeLogin), 'login')
      const { customer, created } = await loginWithCode(rt, {
        provider: params.provider!,
        code: body.code,
        shareToken: body.share ?? null,
      })
      return json(
        { customer: publicCustomer(customer), created },
        { headers: { 'set-cookie': sessionCookie(rt, customer.id) } },
      )
    },
  },
  {
    method: 'POST',
    path: '/logout',
    async handler({ rt }) {
      return new Response(null, { status: 204, headers: { 'set-cookie': clearSessionCookie(rt) } })
    },
  },
]

/** What a customer may see of their own record (identities without provider secrets). */
export function publicCustomer(c: import('../../domain/customer.js').Customer) {
  return {
    id: c.id,
    displayName: c.displayName,
    avatarUrl: c.avatarUrl,
    identities: c.identities.map((i) => ({ provider: i.provider })),
    tags: c.tags,
    referredBy: c.referredBy,
    createdAt: c.createdAt,
  }
}
