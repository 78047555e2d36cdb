import { randomBytes } from 'node:crypto'
import { fail, ok } from './reply.js'
import { CODE_TTL_MS, openidOf, random, type SimState, TOKEN_TTL_MS } from './state.js'
import { checkApp } from './tokens.js'

const page = (status: number, text: string) =>
  new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } })

/**
 * `GET /connect/oauth2/authorize`: instead of a consent page, redirects straight back for the
 * selected user (`selectUser()`, or `sim_user=<name>` in the query): `?code=…&state=…`, or only
 * `?state=…` for a user who denies.
 */
export function authorize(state: SimState, url: URL): Response {
  const q = url.searchParams
  const appid = q.get('appid')
  const app = appid ? state.apps.get(appid) : undefined
  if (!appid) return page(400, 'errcode=10012 appid empty')
  if (!app || app.kind !== 'official-account') return page(400, 'errcode=10016 unsupported appid')
  const redirect = q.get('redirect_uri')
  if (!redirect) return page(400, 'errcode=10011 redirect_uri empty')
  const scope = q.get('scope')
  if (!scope) return page(400, 'errcode=10010 scope empty')
  if (scope !== 'snsapi_base' && scope !== 'snsapi_userinfo')
    return page(400, 'errcode=10005 no scope permission')
  if (q.get('response_type') !== 'code') return page(400, 'errcode=10005 response_type must be code')
  const stateParam = q.get('state') ?? ''
  if (!/^[A-Za-z0-9]{0,128}$/.test(stateParam))
    return page(400, 'errcode=10013 state must be [A-Za-z0-9], at most 128 bytes')
  const name = q.get('sim_user') ?? state.selected
  const user = name ? state.users.get(name) : undefined
  if (!user) return page(400, 'simulator: no user selected (call selectUser or add sim_user=)')
  let target: URL
  try {
    target = new URL(redirect)
  } catch {
    return page(400, 'errcode=10003 redirect_uri invalid')
  }
  if (!user.deny) {
    const code = random(24)
    state.codes.set(code, { appid, user: user.name, scope, issuedAt: state.now(), used: false })
    target.searchParams.set('code', code)
  }
  target.searchParams.set('state', stateParam)
  return new Response(null, { status: 302, headers: { location: target.href } })
}

/** Consumes a code: single use (40163), five minutes (40029), for the app it was issued to. */
function consume(state: SimState, code: string | null, appid: string) {
  const issued = code ? state.codes.get(code) : undefined
  if (!code) return fail(41008, 'missing code')
  if (!issued || issued.appid !== appid) return fail(40029, 'invalid code')
  if (issued.used) return fail(40163, 'code been used')
  if (state.now() - issued.issuedAt > CODE_TTL_MS) return fail(40029, 'invalid code')
  issued.used = true
  return issued
}

/** `GET sns/oauth2/access_token`: code → openid (+ unionid for userinfo scope, `is_snapshotuser`). */
export function oauthAccessToken(state: SimState, url: URL): Response {
  const q = url.searchParams
  const app = checkApp(state, q.get('appid'), q.get('secret'))
  if (app instanceof Response) return app
  if (q.get('grant_type') !== 'authorization_code') return fail(40002, 'invalid grant_type')
  const issued = consume(state, q.get('code'), app.appid)
  if (issued instanceof Response) return issued
  const user = state.users.get(issued.user)!
  const accessToken = `sim_sns_${random(48)}`
  state.snsTokens.set(accessToken, {
    appid: app.appid,
    user: user.name,
    scope: issued.scope,
    expiresAt: state.now() + TOKEN_TTL_MS,
  })
  return ok({
    access_token: accessToken,
    expires_in: TOKEN_TTL_MS / 1000,
    refresh_token: `sim_refresh_${random(48)}`,
    openid: openidOf(app.appid, user.name),
    scope: issued.scope,
    ...(user.snapshot ? { is_snapshotuser: 1 } : {}),
    ...(issued.scope === 'snsapi_userinfo' && user.unionId && !user.snapshot
      ? { unionid: user.unionId }
      : {}),
  })
}

/** `GET sns/userinfo`: needs an `snsapi_userinfo` token (else 48001). */
export function userinfo(state: SimState, url: URL): Response {
  const q = url.searchParams
  const token = q.get('access_token')
  const t = token ? state.snsTokens.get(token) : undefined
  if (!t || state.now() >= t.expiresAt)
    return fail(40001, 'invalid credential, access_token is invalid or not latest')
  const openid = openidOf(t.appid, t.user)
  if (q.get('openid') !== openid) return fail(40003, 'invalid openid')
  if (t.scope !== 'snsapi_userinfo') return fail(48001, 'api unauthorized')
  const user = state.users.get(t.user)!
  return ok({
    openid,
    nickname: user.nickname,
    sex: 0,
    province: '',
    city: '',
    country: '',
    headimgurl: user.avatarUrl,
    privilege: [],
    ...(user.unionId ? { unionid: user.unionId } : {}),
  })
}

/** `GET sns/jscode2session`: a `miniProgramCode()` code → openid, session_key, unionid. */
export function jscode2session(state: SimState, url: URL): Response {
  const q = url.searchParams
  const app = checkApp(state, q.get('appid'), q.get('secret'))
  if (app instanceof Response) return app
  if (app.kind !== 'mini-program') return fail(40013, 'invalid appid')
  if (q.get('grant_type') !== 'authorization_code') return fail(40002, 'invalid grant_type')
  const issued = consume(state, q.get('js_code'), app.appid)
  if (issued instanceof Response) return issued
  const user = state.users.get(issued.user)!
  return ok({
    openid: openidOf(app.appid, user.name),
    session_key: sessionKey(state, app.appid, user.name),
    ...(user.unionId ? { unionid: user.unionId } : {}),
  })
}

/** The user's current session key for a mini-program (16 random bytes, Base64). */
export function sessionKey(state: SimState, appid: string, user: string): string {
  const key = `${appid}:${user}`
  let value = state.sessionKeys.get(key)
  if (!value) {
    value = randomBytes(16).toString('base64')
    state.sessionKeys.set(key, value)
  }
  return value
}
