import { createCipheriv, randomBytes } from 'node:crypto'
import { subscribeSend, templateSend } from './messages.js'
import { authorize, jscode2session, oauthAccessToken, sessionKey, userinfo } from './oauth.js'
import { takeFault } from './reply.js'
import {
  openidOf,
  random,
  type SimApp,
  type SimMessage,
  type SimState,
  type SimUser,
  type SimUserInit,
  toUser,
  userByOpenid,
} from './state.js'
import { checkApp, checkToken, classicToken, getTicket, stableToken } from './tokens.js'

export type { SimApp, SimMessage, SimUser, SimUserInit } from './state.js'

/** Options of the open-platform half of the simulator. */
export interface WechatOpenSimulatorOptions {
  /** Default: one official account and one mini-program (see `officialAccount`, `miniProgram`). */
  apps?: SimApp[]
  /** Default: `alice`, `bob`, `snapshot` (a Moments snapshot visitor) and `refuser` (denies consent). */
  users?: SimUserInit[]
  /** The base clock. Default `Date.now`. */
  now?: () => number
  /** Moves the base clock (a shared simulator clock); without it `advance()` offsets `now` locally. */
  advance?: (ms: number) => Promise<void>
}

/** The WeChat open-platform half of the simulator: OAuth, mini-program login, tokens, tickets, messages. */
export interface WechatOpenSimulator {
  /** Answers a request for one of the simulated endpoints, or `null` when the path is not one. */
  handle(request: Request): Promise<Response | null>
  /** The first official account: use its appid and secret in `wechatLogin` and the token managers. */
  readonly officialAccount: SimApp
  /** The first mini-program. */
  readonly miniProgram: SimApp
  /** Every message accepted so far, oldest first. */
  readonly messages: SimMessage[]
  now(): number
  /** Moves the simulator's clock forward (codes expire after 5 min, tokens after 2 h). */
  advance(ms: number): Promise<void>
  addUser(init: SimUserInit): SimUser
  /** Who "opens" the next authorize page (or add `sim_user=<name>` to the authorize URL). */
  selectUser(name: string): void
  /** The user's openid for an app (default: the official account). */
  openid(user: string, options?: { appid?: string }): string
  /** A fresh `wx.login()` code for the user (default: the mini-program). */
  miniProgramCode(user: string, options?: { appid?: string }): string
  /** Grants `count` one-time sends of a subscribe template, as `wx.requestSubscribeMessage` acceptances do. */
  grantSubscription(input: { openid: string; templateId: string; count?: number }): void
  /** What `wx.getUserInfo`/`getPhoneNumber` hand the client: `data` encrypted with the user's session key. */
  encryptUserData(input: { user: string; data: Record<string, unknown>; appid?: string }): {
    encryptedData: string
    iv: string
  }
  /** As if another system sharing the appid called `cgi-bin/token`: our classic token dies 300 s later. */
  rotateToken(input: { appid: string }): void
  /** The next call to `path` (`cgi-bin/stable_token`) fails with this errcode, or this HTTP status. */
  failNext(input: { path: string; errcode: number; errmsg?: string } | { path: string; status: number }): void
  /** How many requests reached `path` (`cgi-bin/stable_token`, `sns/jscode2session`, …). */
  calls(path: string): number
  /** A simulated user by name (throws for an unknown one). */
  user(name: string): SimUser
  /** Every simulated user, in the order they were added. */
  users(): SimUser[]
  /**
   * Checks the `access_token` in a request URL the way every API does (for the other parts of the
   * simulator): the app it belongs to, or WeChat's error answer (40001, 42001, …).
   */
  checkAccessToken(input: { url: URL; kind?: SimApp['kind'] }): SimApp | Response
}

const DEFAULT_APPS: SimApp[] = [
  { appid: 'wx5100000000000001', secret: 'sim_oa_secret_3f7c2a9d41b84e0c', kind: 'official-account' },
  { appid: 'wx5200000000000002', secret: 'sim_mp_secret_8e1d06b2c9a4f753', kind: 'mini-program' },
]

const DEFAULT_USERS: SimUserInit[] = [
  { name: 'alice', nickname: '小丽' },
  { name: 'bob', nickname: 'Bob' },
  { name: 'snapshot', snapshot: true, unionId: null },
  { name: 'refuser', deny: true },
]

type Route = (state: SimState, request: Request, url: URL) => Response | Promise<Response>

const routes: Record<string, Route> = {
  'connect/oauth2/authorize': (s, _r, u) => authorize(s, u),
  'sns/oauth2/access_token': (s, _r, u) => oauthAccessToken(s, u),
  'sns/userinfo': (s, _r, u) => userinfo(s, u),
  'sns/jscode2session': (s, _r, u) => jscode2session(s, u),
  'cgi-bin/token': (s, _r, u) => classicToken(s, u),
  'cgi-bin/stable_token': (s, r) => stableToken(s, r),
  'cgi-bin/ticket/getticket': (s, _r, u) => getTicket(s, u),
  'cgi-bin/message/template/send': (s, r, u) => templateSend(s, r, u),
  'cgi-bin/message/subscribe/send': (s, r, u) => subscribeSend(s, r, u),
}

/**
 * A stateful WeChat open-platform simulator behaving like the real endpoints in the ways that break
 * integrations: single-use, five-minute OAuth codes (40163 / 40029), snapshot visitors, unionids,
 * rotating `cgi-bin/token` (old token 300 s, then 40001) vs idempotent `stable_token`, expiry
 * (42001) on a controllable clock, one-time subscribe credits (43101), `thing` length (47003), the
 * 48 h window (45015) and `client_msg_id` dedupe. Serve `handle` on loopback and point the
 * adapters' `baseUrl` / `authorizeBaseUrl` at it.
 *
 * @example
 * ```ts
 * const sim = wechatOpenSimulator()
 * // serve sim.handle, then:
 * const login = wechatLogin({ appid: sim.officialAccount.appid, secret: sim.officialAccount.secret, baseUrl, authorizeBaseUrl: baseUrl })
 * const profile = await login.exchangeCode({ code: sim.miniProgramCode('alice') })
 * ```
 */
export function wechatOpenSimulator(options: WechatOpenSimulatorOptions = {}): WechatOpenSimulator {
  const base = options.now ?? Date.now
  let offset = 0
  const apps = options.apps ?? DEFAULT_APPS
  const state: SimState = {
    now: () => base() + offset,
    apps: new Map(apps.map((a) => [a.appid, a])),
    users: new Map((options.users ?? DEFAULT_USERS).map((u) => [u.name, toUser(u)])),
    selected: null,
    codes: new Map(),
    snsTokens: new Map(),
    tokens: new Map(),
    latest: new Map(),
    tickets: new Map(),
    sessionKeys: new Map(),
    credits: new Map(),
    sentByClientMsgId: new Map(),
    messages: [],
    calls: new Map(),
    faults: new Map(),
    nextMsgid: 2_000_000_001,
  }
  state.selected = state.users.keys().next().value ?? null
  const officialAccount = apps.find((a) => a.kind === 'official-account')
  const miniProgram = apps.find((a) => a.kind === 'mini-program')
  const appOf = (appid: string | undefined, fallback: SimApp | undefined, what: string): SimApp => {
    const app = appid ? state.apps.get(appid) : fallback
    if (!app)
      throw new Error(`[loopkit] [testing] The simulator has no ${appid ? `app \`${appid}\`` : what}.`)
    return app
  }
  const userOf = (name: string): SimUser => {
    const user = state.users.get(name)
    if (!user) throw new Error(`[loopkit] [testing] The simulator has no user \`${name}\`.`)
    return user
  }

  return {
    async handle(request) {
      const url = new URL(request.url)
      const path = url.pathname.replace(/^\/+/, '')
      const route = routes[path]
      if (!route) return null
      state.calls.set(path, (state.calls.get(path) ?? 0) + 1)
      return takeFault(state, path) ?? route(state, request, url)
    },
    get officialAccount() {
      return appOf(undefined, officialAccount, 'official account')
    },
    get miniProgram() {
      return appOf(undefined, miniProgram, 'mini-program')
    },
    messages: state.messages,
    now: state.now,
    async advance(ms) {
      if (options.advance) await options.advance(ms)
      else offset += ms
    },
    addUser(init) {
      const user = toUser(init)
      state.users.set(user.name, user)
      return user
    },
    selectUser(name) {
      state.selected = userOf(name).name
    },
    openid(user, opts) {
      return openidOf(appOf(opts?.appid, officialAccount, 'official account').appid, userOf(user).name)
    },
    miniProgramCode(user, opts) {
      const app = appOf(opts?.appid, miniProgram, 'mini-program')
      const code = random(24)
      state.codes.set(code, {
        appid: app.appid,
        user: userOf(user).name,
        scope: 'jscode',
        issuedAt: state.now(),
        used: false,
      })
      return code
    },
    grantSubscription({ openid, templateId, count = 1 }) {
      const app = apps.find((a) => userByOpenid(state, a.appid, openid) !== null)
      if (!app) throw new Error('[loopkit] [testing] No simulator user has this openid.')
      const key = `${app.appid}:${openid}:${templateId}`
      state.credits.set(key, (state.credits.get(key) ?? 0) + count)
    },
    encryptUserData({ user, data, appid }) {
      const app = appOf(appid, miniProgram, 'mini-program')
      const key = Buffer.from(sessionKey(state, app.appid, userOf(user).name), 'base64')
      const iv = randomBytes(16)
      const plain = JSON.stringify({
        ...data,
        watermark: { appid: app.appid, timestamp: Math.floor(state.now() / 1000) },
      })
      const cipher = createCipheriv('aes-128-cbc', key, iv)
      const encrypted = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return { encryptedData: encrypted.toString('base64'), iv: iv.toString('base64') }
    },
    rotateToken({ appid }) {
      const app = checkApp(state, appid, state.apps.get(appid)?.secret)
      if (app instanceof Response)
        throw new Error(`[loopkit] [testing] The simulator has no app \`${appid}\`.`)
      const url = new URL(
        `http://sim/cgi-bin/token?grant_type=client_credential&appid=${app.appid}&secret=${encodeURIComponent(app.secret)}`,
      )
      classicToken(state, url)
    },
    failNext(input) {
      const queue = state.faults.get(input.path) ?? []
      queue.push(
        'status' in input
          ? { status: input.status }
          : { errcode: input.errcode, errmsg: input.errmsg ?? 'system error' },
      )
      state.faults.set(input.path, queue)
    },
    calls(path) {
      return state.calls.get(path) ?? 0
    },
    user: userOf,
    users: () => [...state.users.values()],
    checkAccessToken: ({ url, kind }) => checkToken(state, url, kind),
  }
}

/**
 * The open-platform part of `wechatSimulator()`: shares its clock, answers its requests.
 *
 * @example
 * ```ts
 * const sim = await wechatSimulator({ timeScale: 0 })
 * const code = sim.open.miniProgramCode('alice')
 * ```
 */
export function createOpenSimulator(
  shared: { clock: { now(): number; advance(ms: number): Promise<void> } },
  options: Omit<WechatOpenSimulatorOptions, 'now' | 'advance'> = {},
): { handler: (request: Request) => Promise<Response | null>; controls: WechatOpenSimulator } {
  const controls = wechatOpenSimulator({ ...options, now: shared.clock.now, advance: shared.clock.advance })
  return { handler: (request) => controls.handle(request), controls }
}
