import { createHash, randomBytes } from 'node:crypto'

/** An app the simulator knows: an official account (web OAuth, template messages) or a mini-program. */
export interface SimApp {
  appid: string
  secret: string
  kind: 'official-account' | 'mini-program'
}

/** A person with a WeChat account in the simulator. */
export interface SimUserInit {
  name: string
  /** The unionid shared by all of this user's openids; default `union_<name>`, `null` for none. */
  unionId?: string | null
  /** A Moments snapshot-page visitor: OAuth answers `is_snapshotuser: 1`. */
  snapshot?: boolean
  /** Refuses the OAuth consent: the redirect carries only `state`. */
  deny?: boolean
  nickname?: string
  avatarUrl?: string
  /** Outside the 48 h interaction window: template sends answer 45015. */
  outsideWindow?: boolean
}

/** A simulated WeChat user. */
export interface SimUser extends Required<Omit<SimUserInit, 'unionId'>> {
  unionId: string | null
}

/** A message the simulator accepted and "delivered". */
export interface SimMessage {
  kind: 'template' | 'subscribe'
  appid: string
  openid: string
  /** The simulator user it reached. */
  user: string
  templateId: string
  /** Keyword values, flattened (`{ thing1: '…' }`). */
  data: Record<string, string>
  url?: string
  /** Template messages that open a mini-program page. */
  miniprogram?: { appid: string; pagepath: string }
  page?: string
  clientMsgId?: string
  msgid: number
  at: number
}

export interface IssuedToken {
  appid: string
  flavour: 'classic' | 'stable'
  expiresAt: number
  /** When a newer token replaced it: it answers 40001 from then on. */
  revokedAt: number | null
}

export interface IssuedCode {
  appid: string
  user: string
  scope: string
  issuedAt: number
  used: boolean
}

export interface SimState {
  now(): number
  apps: Map<string, SimApp>
  users: Map<string, SimUser>
  selected: string | null
  codes: Map<string, IssuedCode>
  snsTokens: Map<string, { appid: string; user: string; scope: string; expiresAt: number }>
  tokens: Map<string, IssuedToken>
  /** The newest token per `appid:flavour`, and the one before it. */
  latest: Map<string, { current: string; previous: string | null }>
  tickets: Map<string, { ticket: string; expiresAt: number }>
  sessionKeys: Map<string, string>
  credits: Map<string, number>
  sentByClientMsgId: Map<string, { msgid: number; at: number }>
  messages: SimMessage[]
  calls: Map<string, number>
  faults: Map<string, Array<{ errcode: number; errmsg: string } | { status: number }>>
  nextMsgid: number
}

export const CODE_TTL_MS = 5 * 60_000
export const TOKEN_TTL_MS = 7200_000
/** How long a replaced token keeps working (WeChat's documented five minutes). */
export const GRACE_MS = 300_000

export const random = (bytes: number) => randomBytes(bytes).toString('base64url')

/** A stable, realistic-looking openid (28 characters) per user and app. */
export function openidOf(appid: string, user: string): string {
  return `o${createHash('sha256').update(`${appid}:${user}`).digest('base64url').slice(0, 27)}`
}

export function userByOpenid(state: SimState, appid: string, openid: string): SimUser | null {
  for (const user of state.users.values()) if (openidOf(appid, user.name) === openid) return user
  return null
}

export function toUser(init: SimUserInit): SimUser {
  return {
    name: init.name,
    unionId: init.unionId === undefined ? `union_${init.name}` : init.unionId,
    snapshot: init.snapshot ?? false,
    deny: init.deny ?? false,
    nickname: init.nickname ?? init.name,
    avatarUrl: init.avatarUrl ?? `https://thirdwx.qlogo.cn/sim/${encodeURIComponent(init.name)}/132`,
    outsideWindow: init.outsideWindow ?? false,
  }
}
