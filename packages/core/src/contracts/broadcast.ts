import type { Customer } from '../domain/customer.js'
import type { RenderedMessage } from '../domain/notification.js'

/** One call of a broadcast channel: one message to a batch of a campaign's members. */
export interface BroadcastInput {
  campaignId: string
  /**
   * The same on every attempt of this batch (`<campaignId>-<offset>`, the offset being the number
   * of members before the batch). A channel passes it on as the vendor's dedupe id (WeChat
   * `clientmsgid`), so a campaign resumed after a crash never broadcasts a batch twice.
   */
  key: string
  /** The members' addresses on this channel (`addressOf`), between `min` and `max` of them. */
  addresses: string[]
  message: RenderedMessage
}

/** What a broadcast answers: the vendor's job id, and whether the vendor had already run this `key`. */
export interface BroadcastResult {
  /** The vendor's job id, the one its delivery report later names (WeChat `msg_id`). */
  jobId: string
  /** True when the vendor dropped the call as a repeat of `key` and answered the first job's id. */
  duplicate: boolean
}

/**
 * The optional capability of a messaging adapter that reaches many customers in one call (WeChat
 * mass send). A campaign whose plan names such a channel puts every member it reaches, after the
 * policy's caps and follow rule, into one broadcast per fan-out batch instead of an outbox row each.
 * The outbox never routes a single message to it (it is no fallback target).
 *
 * `send` throws `LoopError`: `quota_exceeded` (or any permanent failure) hands the batch's members
 * to the next channel of the plan, or counts them failed; a retryable failure stops the fan-out,
 * which resumes from the same batch with the same `key` when `campaigns.send` runs again.
 */
export interface BroadcastCapability {
  /** Fewest addresses one call takes (WeChat by openid: 2). A smaller batch is handed on like a refusal (`too_few_recipients`). */
  readonly min: number
  /** Most addresses one call takes (WeChat: 10,000); larger batches are split. */
  readonly max: number
  /** The customer's address on this channel (an openid), or null when it has none. */
  addressOf(input: { customer: Customer }): string | null
  send(input: BroadcastInput): Promise<BroadcastResult>
}

/** How a broadcast job ended on the vendor's side (WeChat `MASSSENDJOBFINISH`). */
export interface BroadcastOutcome {
  /** The vendor's status text (`send success`, `send fail`, `err(30003)`). */
  status: string
  /** Recipients the job was addressed to (`TotalCount`). */
  total: number
  /** Recipients left after the vendor's own filters (`FilterCount`). */
  filtered: number
  sent: number
  errors: number
}

/** One broadcast of a campaign batch, recorded when the vendor accepted (or refused) it. */
export interface BroadcastJob {
  /** The batch key (`BroadcastInput.key`); unique. */
  key: string
  campaignId: string
  channel: string
  /** Members of the campaign before this batch. */
  offset: number
  /** The vendor's job id; null when the vendor refused the batch. */
  jobId: string | null
  /** `submitted`: accepted, report not yet in; `finished`: the report arrived; `refused`: not sent. */
  status: 'submitted' | 'finished' | 'refused'
  /** Addresses handed to the vendor. */
  recipients: number
  /** The refusal's code (`quota_exceeded`, `too_few_recipients`, …) when `refused`. */
  error: string | null
  /** Members the policy left out of the batch, by reason (`frequency_cap`). */
  skipped: Record<string, number>
  /** Members of a refused batch handed to the next channel of the plan (an outbox row each). */
  fellBack: number
  /** Members of a refused batch with no next channel. */
  failed: number
  /** The vendor's delivery report, once it arrived. */
  outcome: BroadcastOutcome | null
  createdAt: number
  updatedAt: number
}

/**
 * The storage operations of broadcast channels, optional on a `StorageAdapter`. Proven by the
 * broadcast cases of `testStorageAdapter()`.
 */
export interface BroadcastStorage {
  /** Stores a job unless one with its `key` exists (then answers that one, `created: false`). */
  recordBroadcastJob(input: { job: BroadcastJob }): Promise<{ job: BroadcastJob; created: boolean }>
  /**
   * Puts the vendor's delivery report on the job with this channel-scoped `jobId` (`finished`).
   * Null when no job has that id yet: the report is then kept (a week) and lands on the job when
   * `recordBroadcastJob` records it — a batch resumed after a crash records its job after the
   * vendor already reported. Repeating it changes nothing.
   */
  finishBroadcastJob(input: {
    jobId: string
    outcome: BroadcastOutcome
    now: number
  }): Promise<BroadcastJob | null>
  /** A campaign's jobs, by offset. */
  listBroadcastJobs(input: { campaignId: string }): Promise<BroadcastJob[]>
}
