import type { Campaign, CampaignRowCount, CampaignStatus } from '../domain/campaign.js'
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
  /** Counts the campaign's outbox rows by status, channel and decision (dedupe keys `campaign:<id>:…`). */
  countCampaignRows(input: { id: string }): Promise<CampaignRowCount[]>
}
