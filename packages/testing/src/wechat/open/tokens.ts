import { fail, jsonBody, ok } from './reply.js'
import { GRACE_MS, type IssuedToken, random, type SimApp, type SimState, TOKEN_TTL_MS } from './state.js'

/** Checks appid and secret the way the token endpoints do; returns the app or the error answer. */
export function checkApp(state: SimState, appid: unknown, secret: unknown): SimApp | Response {
  if (typeof appid !== 'string' || !appid) return fail(41002, 'appid missing')
  const app = state.apps.get(appid)
  if (!app) return fail(40013, 'invalid appid')
  if (typeof secret !== 'string' || !secret) return fail(41004, 'appsecret missing')
  if (secret !== app.secret) return fail(40125, 'invalid appsecret')
  return app
}

function issue(state: SimState, appid: string, flavour: IssuedToken['flavour']): string {
  const key = `${appid}:${flavour}`
  const now = state.now()
  const slot = state.latest.get(key)
  if (slot) {
    // Only the newest and the one before stay usable: the older one dies now, the newer in 5 min.
    if (slot.previous) revoke(state, slot.previous, now)
    revoke(state, slot.current, now + GRACE_MS)
  }
  const token = `sim_${flavour}_${random(48)}`
  state.tokens.set(token, { appid, flavour, expiresAt: now + TOKEN_TTL_MS, revokedAt: null })
  state.latest.set(key, { current: token, previous: slot?.current ?? null })
  return token
}

function revoke(state: SimState, token: string, at: number): void {
  const t = state.tokens.get(token)
  if (t) t.revokedAt = Math.min(t.revokedAt ?? Number.POSITIVE_INFINITY, at, t.expiresAt)
}

const answer = (state: SimState, token: string) => {
  const t = state.tokens.get(token)!
  return ok({ access_token: token, expires_in: Math.floor((t.expiresAt - state.now()) / 1000) })
}

/** `GET cgi-bin/token`: a new token on every call; the previous one keeps working for 300 s. */
export function classicToken(state: SimState, url: URL): Response {
  if (url.searchParams.get('grant_type') !== 'client_credential') return fail(40002, 'invalid grant_type')
  const app = checkApp(state, url.searchParams.get('appid'), url.searchParams.get('secret'))
  if (app instanceof Response) return app
  return answer(state, issue(state, app.appid, 'classic'))
}

/**
 * `POST cgi-bin/stable_token`: the same token while more than 300 s of it are left (then a new
 * one, the old one still valid to its end); `force_refresh: true` replaces it like `cgi-bin/token`.
 */
export async function stableToken(state: SimState, request: Request): Promise<Response> {
  if (request.method !== 'POST') return fail(43002, 'require POST method')
  const body = await jsonBody(request)
  if (!body) return fail(47001, 'data format error')
  if (body.grant_type !== 'client_credential') return fail(40002, 'invalid grant_type')
  const app = checkApp(state, body.appid, body.secret)
  if (app instanceof Response) return app
  const slot = state.latest.get(`${app.appid}:stable`)
  const current = slot ? state.tokens.get(slot.current) : undefined
  if (
    body.force_refresh !== true &&
    slot &&
    current &&
    current.revokedAt === null &&
    current.expiresAt - state.now() > GRACE_MS
  ) {
    return answer(state, slot.current)
  }
  if (body.force_refresh !== true && slot) {
    // Normal-mode renewal keeps the old token valid until its own end.
    const token = `sim_stable_${random(48)}`
    state.tokens.set(token, {
      appid: app.appid,
      flavour: 'stable',
      expiresAt: state.now() + TOKEN_TTL_MS,
      revokedAt: null,
    })
    state.latest.set(`${app.appid}:stable`, { current: token, previous: slot.current })
    return answer(state, token)
  }
  return answer(state, issue(state, app.appid, 'stable'))
}

/** Validates `access_token` for an API call: the app, or the error answer (40014, 40001, 42001). */
export function checkToken(state: SimState, url: URL, kind?: SimApp['kind']): SimApp | Response {
  const token = url.searchParams.get('access_token')
  if (!token) return fail(41001, 'access_token missing')
  const t = state.tokens.get(token)
  if (!t) return fail(40014, 'invalid access_token')
  const now = state.now()
  if (t.revokedAt !== null && now >= t.revokedAt) {
    return fail(
      40001,
      'invalid credential, access_token is invalid or not latest, could get access_token by getStableAccessToken',
    )
  }
  if (now >= t.expiresAt) return fail(42001, 'access_token expired')
  const app = state.apps.get(t.appid)!
  if (kind && app.kind !== kind) return fail(48001, 'api unauthorized')
  return app
}

/** `GET cgi-bin/ticket/getticket?type=jsapi`: one ticket per app for 7200 s. */
export function getTicket(state: SimState, url: URL): Response {
  const app = checkToken(state, url)
  if (app instanceof Response) return app
  if (url.searchParams.get('type') !== 'jsapi') return fail(40097, 'invalid args')
  const now = state.now()
  let t = state.tickets.get(app.appid)
  if (!t || now >= t.expiresAt) {
    t = { ticket: `sim_ticket_${random(60)}`, expiresAt: now + TOKEN_TTL_MS }
    state.tickets.set(app.appid, t)
  }
  return ok({
    errcode: 0,
    errmsg: 'ok',
    ticket: t.ticket,
    expires_in: Math.floor((t.expiresAt - now) / 1000),
  })
}
