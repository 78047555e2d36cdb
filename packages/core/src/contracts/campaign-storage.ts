import type {
  Campaign,
  CampaignResults,
  CampaignRowCount,
  CampaignStatus,
  CampaignVisit,
} from '../domain/campaign.js'
import type { Effects } from './storage.js'

/**
 * The storage operations `loop.campaigns` needs, optional on a `StorageAdapter` (an adapter without
 * them serves every other part of the loop). Memory, SQLite and PostgreSQL storage implement them,
 * proven by the campaign cases of `testStorageAdapter()`.
 */
export interface CampaignStorage {
  /** Stores a new campaign; `conflict` when its id exists. */
  createCampaign(input: { campaign: Campaign }): Promise<Campaign>
  getCampaign(input: { id: string }): Promise<Campaign | null>
  /**
   * Compare-and-set: when the campaign's `status` and `cursor` still equal `expect`, applies `set`
   * and writes `effects` (a fan-out batch's outbox rows) in the same transaction; otherwise changes
   * nothing and answers null — another instance moved it first.
   */
  advanceCampaign(input: {
    id: string
    expect: { status: CampaignStatus; cursor: string | null }
    set: Partial<Pick<Campaign, 'status' | 'cursor' | 'queued' | 'unreachable' | 'startedAt'>>
    now: number
    effects?: Effects
  }): Promise<Campaign | null>
  /**
   * Cancels a campaign (draft, sending, or fanned out with rows still waiting) and, in the same
   * step, skips its pending rows no dispatcher holds (`skipped: cancelled`). Null when it was
   * already cancelled, or does not exist.
   */
  cancelCampaign(input: { id: string; now: number }): Promise<Campaign | null>
  /**
   * One page of campaigns, newest first: `createdAt` descending, ties by id descending. `before` is
   * the `createdAt` and id of the last campaign of the previous page: this page holds only campaigns
   * strictly after it in that order, so a campaign created while paging never appears twice. With
   * `status`, only campaigns in it. At most `limit`; each page walks an index from its cursor.
   */
  listCampaigns?(input: {
    status?: CampaignStatus
    before?: { createdAt: number; id: string } | null
    limit: number
  }): Promise<Campaign[]>
  /** Counts the campaign's outbox rows by status, channel and decision (dedupe keys `campaign:<id>:…`). */
  countCampaignRows(input: { id: string }): Promise<CampaignRowCount[]>
  /**
   * Campaigns whose work is due: drafts with a `sendAt` at or before `now`, and campaigns still
   * `sending` whose last step is older than `staleBefore` (the instance fanning them out died). Oldest
   * first. The caller claims each with `advanceCampaign`, so only one instance starts it.
   */
  dueCampaigns?(input: { now: number; staleBefore: number; limit: number }): Promise<Campaign[]>
  /** Stores one open of a campaign link, with its `effects` (the `campaign.visited` event), atomically. */
  recordCampaignVisit?(input: { visit: CampaignVisit; effects?: Effects }): Promise<CampaignVisit>
  /** At login: the browser's campaign visits without a customer become the customer's. */
  claimCampaignVisits?(input: { visitorKey: string; customerId: string }): Promise<{ claimed: number }>
  /**
   * The newest campaign visit at or after `since` by the customer, or by the browser `visitorKey`
   * while no customer claimed it; null if none. Ties on time go to the greater id.
   */
  lastCampaignVisit?(input: {
    customerId: string
    visitorKey?: string | null
    since: number
  }): Promise<CampaignVisit | null>
  /**
   * Clicks, orders, buyers and net revenue of a campaign: distinct people among its visits, and its
   * paid orders (`attribution.campaignId`), each counted by a query on an index.
   */
  campaignResults?(input: { id: string }): Promise<CampaignResults>
}
