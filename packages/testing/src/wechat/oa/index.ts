import type { SimulatorClock } from '../clock.js'
import type { WechatOpenSimulator } from '../open/index.js'
import { userActions } from './actions.js'
import { customSend, massPreview, massSend } from './messages.js'
import { deliverPush, type OaPushResult, pushXml, type SignedPush, signPush } from './push.js'
import { qrcodeCreate } from './qrcode.js'
import type { OaDelivered, OaFollower, OaMassJob, OaServerConfig, OaState } from './state.js'
import { bizsend } from './subscribe.js'
import { members, tags, tagUsers, userGet, userInfo } from './users.js'

export { type OaPushResult, type SignedPush, UNAVAILABLE_NOTICE } from './push.js'
export type { OaDelivered, OaFollower, OaMassJob, OaServerConfig } from './state.js'

/** Options of the official-account part of the simulator. */
export interface OaSimulatorOptions {
  /** 服务号 (default: 4 mass messages per user per month) or 订阅号 (1 mass send per day). */
  kind?: 'service' | 'subscription'
  /** The account's original id; default `gh_5100000000ab`. */
  account?: string
  /** Openids per `user/get` / `user/tag/get` page; default 10,000 like WeChat. */
  pageSize?: number
  /** How long the loop has to answer a push; default 5,000 ms. */
  replyTimeoutMs?: number
  /** Re-deliveries after a push times out; default 3. */
  retries?: number
  /** Permanent QR codes allowed; default 100,000. */
  permanentQrLimit?: number
  /** When `MASSSENDJOBFINISH` follows a mass send (simulated ms); default 1,000. */
  massFinishDelayMs?: number
  /**
   * A service account's successful mass sends per CST day, by tag and by openid list alike
   * (reference §7.1: "每日调用限制为100次"); past it a send answers 45028. Default 100.
   */
  massSendsPerDay?: number
}

/**
 * The official-account part of `wechatSimulator()` (`sim.oa`): the message-server client (signed,
 * encrypted pushes with WeChat's 5 s deadline and retries), followers, tags, parametric QR codes,
 * mass send with its quotas and `MASSSENDJOBFINISH`, and customer-service messages inside the
 * 48 h window — all with WeChat's errcodes.
 *
 * @example
 * ```ts
 * const sim = await wechatSimulator({ timeScale: 0 })
 * sim.oa.configure({ url: `${loopUrl}/wechat/events`, token: 'loopkit', mode: 'safe', encodingAesKey })
 * await sim.oa.follow({ user: 'alice' })
 * ```
 */
export function createOaSimulator(
  shared: { clock: Pick<SimulatorClock, 'now' | 'schedule'> },
  open: WechatOpenSimulator,
  options: OaSimulatorOptions = {},
) {
  const app = open.officialAccount
  const state: OaState = {
    now: shared.clock.now,
    appid: app.appid,
    account: options.account ?? 'gh_5100000000ab',
    kind: options.kind ?? 'service',
    server: null,
    followers: new Map(),
    windows: new Map(),
    tags: new Map([
      [0, '未分组'],
      [1, '黑名单'],
      [2, '星标组'],
    ]),
    nextTagId: 100,
    qr: new Map(),
    permanentQr: 0,
    permanentQrLimit: options.permanentQrLimit ?? 100_000,
    massByClientMsgId: new Map(),
    massByDay: new Map(),
    massApiByDay: new Map(),
    massApiPerDay: options.massSendsPerDay ?? 100,
    jobs: [],
    delivered: [],
    nextMsgId: 1_000_001_000,
    credits: new Map(),
    pageSize: options.pageSize ?? 10_000,
    replyTimeoutMs: options.replyTimeoutMs ?? 5_000,
    retries: options.retries ?? 3,
  }
  const { actions, openidOf, finished } = userActions(
    state,
    open,
    shared.clock.schedule,
    options.massFinishDelayMs ?? 1_000,
  )
  const routes: Record<string, (request: Request, url: URL) => Promise<Response> | Response> = {
    'cgi-bin/user/info': (_r, url) => userInfo(state, url, (user) => open.user(user).unionId),
    'cgi-bin/user/get': (_r, url) => userGet(state, url),
    'cgi-bin/user/tag/get': (r) => tagUsers(state, r),
    'cgi-bin/tags/get': (r) => tags(state, r, 'get'),
    'cgi-bin/tags/create': (r) => tags(state, r, 'create'),
    'cgi-bin/tags/update': (r) => tags(state, r, 'update'),
    'cgi-bin/tags/delete': (r) => tags(state, r, 'delete'),
    'cgi-bin/tags/members/batchtagging': (r) => members(state, r, 'batchtagging'),
    'cgi-bin/tags/members/batchuntagging': (r) => members(state, r, 'batchuntagging'),
    'cgi-bin/tags/getidlist': (r) => members(state, r, 'getidlist'),
    'cgi-bin/qrcode/create': (r) => qrcodeCreate(state, r),
    'cgi-bin/message/mass/sendall': (r) => massSend(state, r, false, finished),
    'cgi-bin/message/mass/send': (r) => massSend(state, r, true, finished),
    'cgi-bin/message/mass/preview': (r) => massPreview(state, r),
    'cgi-bin/message/custom/send': (r) => customSend(state, r),
    'cgi-bin/message/subscribe/bizsend': (r) => bizsend(state, r),
  }

  const controls = {
    /** The account's appid, secret and original id. */
    account: { appid: app.appid, secret: app.secret, id: state.account },
    /** 服务器配置: where and how pushes go. */
    configure(server: OaServerConfig): void {
      state.server = server
    },
    openid: openidOf,
    ...actions,
    /** Pushes arbitrary XML from `openid` (signed and encrypted like any push). */
    pushXml({ xml, openid }: { xml: string; openid: string }): Promise<OaPushResult> {
      return deliverPush(state, xml, openid)
    },
    /** The request WeChat would send for `xml`, without sending it (to replay or mutate it). */
    signedPush({ xml, openid }: { xml: string; openid: string }): SignedPush {
      return signPush(state, xml, openid)
    },
    /** The XML of a push from `user` (header + fields), for `signedPush`. */
    xmlFor({ user, fields }: { user: string; fields: Array<[string, string | number]> }): string {
      return pushXml(state, openidOf(user), fields)
    },
    follower: (user: string): OaFollower | null => state.followers.get(openidOf(user)) ?? null,
    /** Tag names by id (system tags 0/1/2 included). */
    tags: (): Map<number, string> => new Map(state.tags),
    /** Everything users received: customer-service, mass, preview messages and passive replies. */
    delivered: state.delivered as readonly OaDelivered[],
    jobs: state.jobs as readonly OaMassJob[],
  }
  return {
    handler: async (request: Request): Promise<Response | null> => {
      const url = new URL(request.url)
      const route = routes[url.pathname.replace(/^\/+/, '')]
      if (!route) return null
      const checked = open.checkAccessToken({ url, kind: 'official-account' })
      if (checked instanceof Response) return checked
      return route(request, url)
    },
    controls,
  }
}

/** The official-account controls of a running simulator (`sim.oa`). */
export type WechatOaSimulator = ReturnType<typeof createOaSimulator>['controls']
