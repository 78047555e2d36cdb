import type { SendCap } from '../../contracts/outbox-types.js'

/** Hours, in the customer's own time zone, when a class of messages waits instead of going out. */
export interface QuietHours {
  /** Local time the quiet window opens, `HH:MM` (24 h), e.g. `'21:00'`. */
  start: string
  /** Local time it closes, `HH:MM`; before `start` means the window spans midnight. */
  end: string
}

/** The rules of one class of messages (`marketing`, `transactional`, or your own). */
export interface PolicyClass {
  /** Frequency caps per customer, e.g. `[{ max: 1, windowMs: 86_400_000 }, { max: 4, windowMs: 30 * 86_400_000 }]`. */
  caps?: SendCap[]
  /** Quiet hours in the customer's zone: a message due inside them is deferred to their end, never dropped. */
  quietHours?: QuietHours
}

/** The rules of one topic. */
export interface PolicyTopic {
  /** The class whose caps and quiet hours apply. Default: `transactional` for order and reward topics, `marketing` otherwise. */
  class?: string
  /**
   * The fallback chain: channel ids in order of preference. The outbox queues the first channel
   * that can reach the customer; the next is tried only when that one cannot reach them at send
   * time or fails permanently. Default: every configured channel, in `messaging` order.
   */
  chain?: string[]
}

/** The rules of one channel. */
export interface PolicyChannel {
  /** The channel reaches followers of the official account only: an unfollowed customer gets nothing on it. */
  followersOnly?: boolean
}

/**
 * The notification policy (`createLoop({ policy })`): every outbox row, transactional and
 * marketing alike, passes through it at dispatch time, and each decision is recorded on the row.
 *
 * @example
 * ```ts
 * const day = 86_400_000
 * createLoop({
 *   secret, baseUrl,
 *   policy: {
 *     classes: { marketing: { caps: [{ max: 1, windowMs: day }], quietHours: { start: '21:00', end: '08:00' } } },
 *     topics: { 'order.paid': { chain: ['wechat-subscribe', 'wechat-template', 'console'] } },
 *     channels: { 'wechat-template': { followersOnly: true } },
 *   },
 * })
 * ```
 */
export interface NotificationPolicy {
  classes?: Record<string, PolicyClass>
  topics?: Record<string, PolicyTopic>
  channels?: Record<string, PolicyChannel>
  /** The zone for customers whose `timeZone` is unknown. Default `'UTC'`. */
  defaultTimeZone?: string
}

/** Topics whose default class is `transactional`: exempt from caps and quiet hours unless configured. */
export const transactionalTopics: ReadonlySet<string> = new Set([
  'order.paid',
  'order.fulfilled',
  'order.refunded',
  'reward.accrued',
])

/** The class a topic counts against. */
export function classOf(policy: NotificationPolicy, topic: string): string {
  return policy.topics?.[topic]?.class ?? (transactionalTopics.has(topic) ? 'transactional' : 'marketing')
}
