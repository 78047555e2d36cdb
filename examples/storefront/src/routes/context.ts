import { type Loop, newId } from '@loopkit/core'
import type { Context } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { isAdminRequest } from '../admin-auth.js'
import { VISIT_EVENT } from '../admin-data.js'
import type { PageContext, Viewer } from '../pages/layout.js'
import type { PayChoice } from '../pay-choices.js'

/** What every route of the shop needs. */
export interface ShopDeps {
  loop: Loop
  /** `http://127.0.0.1:<port>`: the one origin the shop answers on (the loop's `baseUrl` is under it). */
  origin: string
  mode: string
  loginProvider: string
  /** The ways to pay the checkout page offers. */
  pay: PayChoice[]
  /** Basic-auth password of `/admin` (user `admin`). */
  adminPassword: string
  /** The loop's messaging channel ids, in order (a campaign's channel plan picks from them). */
  channels: readonly string[]
}

/**
 * Asks the loop something on behalf of the browser: the request goes through `loop.fetch` with the
 * browser's cookies, so the loop's own session decides who is asking (the shop never reads the
 * session cookie itself).
 */
export function askLoop(deps: ShopDeps, c: Context, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers)
  const cookie = c.req.header('cookie')
  if (cookie) headers.set('cookie', cookie)
  return deps.loop.fetch(new Request(`${deps.origin}/loop${path}`, { ...init, headers }))
}

/** The logged-in customer, from `GET /loop/me`, or null. */
export async function viewerOf(deps: ShopDeps, c: Context): Promise<Viewer | null> {
  const res = await askLoop(deps, c, '/me')
  if (!res.ok) return null
  const { customer } = (await res.json()) as { customer: Viewer }
  return { id: customer.id, displayName: customer.displayName }
}

const SHARE_TOKEN = /^[0-9A-Za-z_-]{8,64}$/

/**
 * The share token of `?share=`, only if the loop verifies it: a forged or mangled token shows no
 * "a friend recommended this" banner and is not passed on to login.
 */
async function verifiedShare(deps: ShopDeps, token: string | undefined): Promise<string | null> {
  if (!token || !SHARE_TOKEN.test(token)) return null
  try {
    await deps.loop.shares.card({ token })
    return token
  } catch {
    return null
  }
}

/** The page context of a request: viewer, login provider, mode and the share token it arrived with. */
export async function pageContext(deps: ShopDeps, c: Context): Promise<PageContext> {
  const login = c.req.query('login')
  const [viewer, share] = await Promise.all([viewerOf(deps, c), verifiedShare(deps, c.req.query('share'))])
  return {
    viewer,
    loginProvider: deps.loginProvider,
    pay: deps.pay,
    mode: deps.mode,
    share,
    loginProblem: login ? login.slice(0, 32) : null,
    admin: isAdminRequest(deps, c),
  }
}

const VISITOR_COOKIE = 'sf_visitor'

/**
 * Counts a new browser on a shop page as one visit, the top of the funnel. The loop does not see
 * page views, so the shop writes its own event to the loop's event log.
 */
export async function countVisit(deps: ShopDeps, c: Context, viewer: Viewer | null): Promise<void> {
  if (getCookie(c, VISITOR_COOKIE)) return
  setCookie(c, VISITOR_COOKIE, newId('v'), {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    maxAge: 365 * 86_400,
  })
  await deps.loop.storage.appendEvents({
    events: [
      {
        id: newId('evt'),
        type: VISIT_EVENT,
        at: Date.now(),
        customerId: viewer?.id ?? null,
        orderId: null,
        data: { path: c.req.path },
      },
    ],
  })
}
