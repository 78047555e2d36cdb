/** One account a customer logs in with: `wechat` + an openid, `sandbox` + a name, … */
export interface Identity {
  provider: string
  subject: string
  /** WeChat's unionid: the same person across an official account, a mini-program and an app. */
  unionId?: string
}

/**
 * A consent to be messaged about a topic on a channel. WeChat subscribe messages are one-time:
 * each acceptance grants one send, so `remaining` counts them; `null` means not counted.
 */
export interface Consent {
  channel: string
  topic: string
  remaining: number | null
  grantedAt: number
  revokedAt: number | null
}

/** One person, with every identity they logged in with, their consents and who referred them. */
export interface Customer {
  id: string
  identities: Identity[]
  displayName: string | null
  avatarUrl: string | null
  tags: string[]
  consents: Consent[]
  /** The customer whose share brought this one in, set once, on first login. */
  referredBy: string | null
  /**
   * When the customer (last) followed the official account; `null` while not following. A repeated
   * follow keeps the first time.
   */
  followedAt: number | null
  /** When they last unfollowed; `null` if they never did, or follow again. */
  unfollowedAt: number | null
  /**
   * The last inbound interaction (a message, a menu click, a scan): it opens WeChat's 48-hour
   * customer-service window. Only ever moves forward.
   */
  lastInteractionAt: number | null
  /** IANA time zone, e.g. `Asia/Shanghai`, for quiet hours; `null` when unknown. */
  timeZone: string | null
  createdAt: number
  updatedAt: number
}

/** What an identity adapter learned about the person who just logged in. */
export interface IdentityProfile extends Identity {
  displayName?: string
  avatarUrl?: string
  /** WeChat's `is_snapshotuser`: a Moments snapshot-page visitor, not a real account. */
  snapshot?: boolean
}

/**
 * The identity of a customer on a provider, or null.
 *
 * @example
 * ```ts
 * const openid = identityFor(customer, 'wechat')?.subject ?? null
 * ```
 */
export function identityFor(customer: Customer, provider: string): Identity | null {
  return customer.identities.find((i) => i.provider === provider) ?? null
}
