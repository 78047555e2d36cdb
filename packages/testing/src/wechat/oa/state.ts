/** A simulated follower (or former follower) of the official account. */
export interface OaFollower {
  user: string
  openid: string
  followed: boolean
  /** Unix seconds of the last follow. */
  subscribeTime: number
  tags: Set<number>
  /** Mass messages received per CST month (`2025-01`): a service account's users get 4. */
  massByMonth: Map<string, number>
}

/** A customer-service allowance opened by an interaction (reference §8.2). */
export interface OaWindow {
  expiresAt: number
  remaining: number
}

/** Something a simulated user received from the account. */
export interface OaDelivered {
  kind: 'custom' | 'mass' | 'preview' | 'reply' | 'subscription'
  openid: string
  user: string
  /** `text` content, or `mpnews:<media_id>`. */
  content: string
  msgId: string | null
  at: number
}

/** A mass-send job, as `MASSSENDJOBFINISH` reports it. */
export interface OaMassJob {
  msgId: string
  clientMsgId: string
  totalCount: number
  filterCount: number
  sentCount: number
  errorCount: number
  at: number
}

/** How the simulator reaches the loop's message server (服务器配置). */
export interface OaServerConfig {
  url: string
  token: string
  encodingAesKey?: string
  mode: 'plaintext' | 'compatible' | 'safe'
}

export interface OaState {
  now(): number
  appid: string
  /** The account's original id, `gh_…`. */
  account: string
  kind: 'service' | 'subscription'
  server: OaServerConfig | null
  followers: Map<string, OaFollower>
  windows: Map<string, OaWindow[]>
  tags: Map<number, string>
  nextTagId: number
  qr: Map<string, { scene: string; permanent: boolean; expiresAt: number | null }>
  permanentQr: number
  permanentQrLimit: number
  massByClientMsgId: Map<string, { msgId: string; at: number }>
  massByDay: Map<string, number>
  /** A service account's successful mass-send API calls per CST day, and the cap (reference §7.1: 100). */
  massApiByDay: Map<string, number>
  massApiPerDay: number
  jobs: OaMassJob[]
  delivered: OaDelivered[]
  nextMsgId: number
  /** One-time subscription-notification sends per `openid:templateId` (reference §9.3). */
  credits: Map<string, number>
  pageSize: number
  replyTimeoutMs: number
  retries: number
}

const CST_MS = 8 * 3_600_000
/** The CST calendar day (`2025-01-06`) and month (`2025-01`) WeChat's quotas reset on. */
export const cstDay = (ms: number) => new Date(ms + CST_MS).toISOString().slice(0, 10)
export const cstMonth = (ms: number) => new Date(ms + CST_MS).toISOString().slice(0, 7)
