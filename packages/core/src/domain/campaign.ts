import type { AudienceFilter } from './audience.js'

/** A campaign's state: being written (`draft`), fanning out (`sending`), fanned out into the outbox (`sent`; the dispatcher delivers the rows), or `cancelled`. */
export type CampaignStatus = 'draft' | 'sending' | 'sent' | 'cancelled'

/** The message a campaign sends: the same for every member. */
export interface CampaignMessage {
  title: string
  body: string
  url?: string
  /** Named values for templated channels (WeChat keywords). */
  fields: Record<string, string>
}

/**
 * One message to one audience on a channel plan, fanned out through the outbox in batches along
 * the audience cursor. The cursor and the rows of each batch are written in one storage step, so a
 * crash resumes where it stopped and no member is queued twice.
 */
export interface Campaign {
  id: string
  name: string | null
  /** The audience's id, and its filter as it was when the campaign was created. */
  audienceId: string
  where: AudienceFilter
  message: CampaignMessage
  /** Channel ids in order of preference: each member's row goes to the first that reaches them; the rest are the fallback chain. */
  channels: string[]
  /** Rows are due from this time (the outbox holds them until then); null: at once. */
  sendAt: number | null
  status: CampaignStatus
  /** The audience cursor of the fan-out: members up to it are queued. */
  cursor: string | null
  /** Outbox rows written so far (members some channel of the plan could reach). */
  queued: number
  /** Members the fan-out passed over: no channel of the plan could reach them. */
  unreachable: number
  /** When `send` started: "within days" filters count back from it, so every batch sees one audience. */
  startedAt: number | null
  createdAt: number
  updatedAt: number
}

/** How a campaign's outbox rows stand, by status, channel and policy decision. */
export interface CampaignRowCount {
  status: string
  channel: string
  decision: string | null
  count: number
}

/** The dedupe key prefix of a campaign's rows: `campaign:<id>:<customerId>:<channel>`. */
export const campaignKeyPrefix = (campaignId: string): string => `campaign:${campaignId}:`

/**
 * The campaign id of an outbox row's dedupe key (`campaign:<id>:…`, fallback rows included), or
 * null for a row no campaign wrote. Campaign ids never hold a `:`.
 *
 * @example
 * ```ts
 * campaignIdOfKey('campaign:spring:cus_1:console') // 'spring'
 * campaignIdOfKey('order.paid:ord_1:console') // null
 * ```
 */
export function campaignIdOfKey(dedupeKey: string): string | null {
  if (!dedupeKey.startsWith('campaign:')) return null
  const end = dedupeKey.indexOf(':', 9)
  return end > 9 ? dedupeKey.slice(9, end) : null
}

/**
 * Someone opening a campaign link (`GET /c/:token`): the browser's first-party visitor key, and the
 * customer when a session was present or once that browser logs in. Every open is one visit, so a
 * replayed link is just another visit; the report counts distinct people.
 */
export interface CampaignVisit {
  id: string
  campaignId: string
  visitorKey: string
  customerId: string | null
  at: number
}

/** What a campaign's link brought, counted by the storage (never by loading the orders). */
export interface CampaignResults {
  /** Distinct people who opened the link: by customer, else by browser. */
  clicks: number
  /** Paid orders attributed to the campaign (one refunded later still counts; its money does not). */
  orders: number
  /** Distinct customers among those orders. */
  buyers: number
  /** Per currency, minor units: the orders' totals less what was refunded of them so far. */
  revenue: Record<string, number>
}
