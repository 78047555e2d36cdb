import { loopError } from '../../errors.js'
import { beginLogin, completeLogin, loginWithCode } from '../../flows/login.js'
import { codeLoginBody, parseInput, returnToPath } from '../../schemas.js'
import { json, readJson, redirect } from '../respond.js'
import { clearSessionCookie, sessionCookie, visitorKey } from '../session.js'
import type { LoopHttpRoute } from './types.js'

function withParam(path: string, name: string, value: string): string {
  const url = new URL(path, 'http://x')
  url.searchParams.set(name, value)
  return `${url.pathname}${url.search}${url.hash}`
}

export const loginRoutes: LoopHttpRoute[] = [
  {
    method: 'GET',
    path: '/login/:provider',
    async handler({ rt, request, params }) {
      const url = new URL(request.url)
      const returnTo = parseInput(returnToPath, url.searchParams.get('returnTo') ?? '/', 'login')
      const share = url.searchParams.get('share')
      const scope = url.searchParams.get('scope')
      const visitor = visitorKey(rt, request)
      const location = await beginLogin(rt, {
        provider: params.provider!,
        returnTo,
        shareToken: share,
        visitorKey: visitor.key,
        ...(scope ? { scope } : {}),
      })
      return redirect(location, visitor.setCookie ? { 'set-cookie': visitor.setCookie } : {})
    },
  },
  {
    method: 'GET',
    path: '/login/:provider/callback',
    async handler({ rt, request, params, customerId }) {
      const url = new URL(request.url)
      const state = url.searchParams.get('state')
      if (!state) throw loopError('login', 'invalid_input', 'The callback has no `state`.')
      const result = await completeLogin(rt, {
        provider: params.provider!,
        code: url.searchParams.get('code'),
        state,
        sessionCustomerId: customerId,
      })
      // Always a 302 to a clean URL: the code never stays in the address bar or the history.
      if (result.kind === 'denied') return redirect(withParam(result.returnTo, 'login', result.reason))
      if (result.kind === 'already') return redirect(result.returnTo)
      return redirect(result.returnTo, { 'set-cookie': sessionCookie(rt, result.customer.id) })
    },
  },
  {
    method: 'POST',
    path: '/login/:provider/code',
    async handler({ rt, request, params }) {
      const body = parseInput(codeLoginBody, await readJson(request, 'login'), 'login')
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
