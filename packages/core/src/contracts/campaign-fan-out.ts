import type { AudienceFilter } from '../domain/audience.js'
import type { Campaign } from '../domain/campaign.js'
import type { RenderedMessage } from '../domain/notification.js'

/** A channel of a campaign's plan and the customers it reaches, as a filter. */
export interface FanOutRoute {
  channel: string
  reach: AudienceFilter
}

/** The input of `StorageAdapter.fanOutCampaign`: one batch of a campaign, routed inside the storage. */
export interface FanOutInput {
  id: string
  /** The cursor the batch starts after; the step applies only while the campaign is `sending` there. */
  expect: { cursor: string | null }
  /** The campaign's audience, evaluated at `now` (the campaign's start). */
  where: AudienceFilter
  now: number
  /** Members per batch. */
  limit: number
  /** In order of preference: each member's row goes to the first route whose `reach` holds them. */
  routes: FanOutRoute[]
  message: RenderedMessage
  /** The rows' first attempt (a scheduled campaign's time); null: `at`. */
  nextAttemptAt: number | null
  /** The clock of the write. */
  at: number
}

/**
 * The set-based campaign fan-out, optional on a `StorageAdapter`: the same outcome as listing a
 * batch and writing it with `advanceCampaign`, in one statement per batch. Proven against the
 * memory adapter by the campaign cases of `testStorageAdapter()`.
 */
export interface CampaignFanOutStorage {
  /**
   * In one transaction, while the campaign is `sending` at `expect.cursor`: takes the next `limit`
   * members of `where` in id order after the cursor, writes one pending outbox row per member on
   * the first route that reaches them (dedupe key `campaign:<id>:<customerId>:<channel>`; a key
   * that exists is not written again), adds the routed members to `queued` and the rest to
   * `unreachable`, and moves the cursor to the batch's last member — or to null with status `sent`
   * when no member follows. Otherwise changes nothing and answers null.
   */
  fanOutCampaign(input: FanOutInput): Promise<Campaign | null>
}
