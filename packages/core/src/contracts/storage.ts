import type { Audience, AudienceFilter } from '../domain/audience.js'
import type { Sku } from '../domain/catalog.js'
import type { ConsentChange } from '../domain/consent.js'
import type { Consent, Customer, IdentityProfile } from '../domain/customer.js'
import type { CustomerMerge } from '../domain/customer-merge.js'
import type { LoopEventRecord, NewEvent } from '../domain/event.js'
import type { NewNotification, Notification } from '../domain/notification.js'
import type { Order, OrderStatus, Payment, Refund, RefundStatus } from '../domain/order.js'
import type { Reward, RewardStatus, Share, Visit } from '../domain/share.js'
import type { BroadcastStorage } from './broadcast.js'
import type { CampaignFanOutStorage } from './campaign-fan-out.js'
import type { CampaignStorage } from './campaign-storage.js'
import type { NotificationCompletion, NotificationOutcome } from './outbox-types.js'
import type { RateLimitStorage } from './rate-limit.js'
import type { RollupStorage } from './rollups.js'
import type { SendLedgerStorage } from './send-ledger.js'
import type { Effects, StockReservation, WebhookDelivery } from './storage-types.js'

export type { Effects, StockReservation, WebhookDelivery } from './storage-types.js'

/**
 * The storage contract. Every method is one atomic domain operation: a SQL adapter does each in
 * one transaction. Methods take one input object and return one output object; "not found" is `null`.
 * Failures throw `LoopError` (`out_of_stock`, `limit_exceeded`, `invalid_transition`, `conflict`,
 * `refund_exceeds_paid`, `invalid_input`, `storage_error`).
 *
 * The rollup operations ({@link RollupStorage}) are an optional capability that `loop.analytics` needs;
 * the send ledger ({@link SendLedgerStorage}) one that frequency caps need (implement both of its
 * operations).
 *
 * Prove an implementation with `testStorageAdapter()` from `@loopkit/testing`.
 */
export interface StorageAdapter
  extends Partial<RollupStorage>,
    Partial<CampaignStorage>,
    Partial<CampaignFanOutStorage>,
    Partial<BroadcastStorage>,
    Partial<RateLimitStorage>,
    Partial<SendLedgerStorage> {
  readonly name: string

  // ── customers ─────────────────────────────────────────────────────────────
  /**
   * Finds the customer with this identity (or, failing that, with the same `unionId`, adding the
   * identity to them) or creates one. `referredBy` only applies to a newly created customer.
   *
   * When a known identity without a unionid now comes with one, the unionid is attached to it; if
   * another customer already holds that unionid the two are one person and are merged in the same
   * atomic step: the older survives (`chooseSurvivor`), takes the other's identities, tags and
   * consents (`mergeCustomers`), its orders, shares, visits and rewards, and customers it referred;
   * the merged id is recorded so `getCustomer` of it answers the survivor. `mergeEffects` (e.g. the
   * `customer.merged` event) is written with the merge, and `merged` says who became whom.
   */
  upsertCustomer(input: {
    id: string
    profile: IdentityProfile
    referredBy?: string | null
    now: number
    effects?: Effects
    mergeEffects?: (merge: CustomerMerge & { unionId: string }) => Effects
  }): Promise<{ customer: Customer; created: boolean; merged?: CustomerMerge }>
  /** The customer, or the survivor of a merge when `id` was merged into another. */
  getCustomer(input: { id: string }): Promise<Customer | null>
  findCustomerByIdentity(input: { provider: string; subject: string }): Promise<Customer | null>
  /** Adds/removes tags and sets profile fields. */
  updateCustomer(input: {
    id: string
    addTags?: string[]
    removeTags?: string[]
    displayName?: string | null
    avatarUrl?: string | null
    /** IANA zone (e.g. `Asia/Shanghai`) for quiet hours; `null` forgets it. */
    timeZone?: string | null
    now: number
    effects?: Effects
  }): Promise<Customer | null>
  /**
   * Records a follow, an unfollow and/or an inbound interaction, as core's `applyActivity` does:
   * `followed: true` sets `followedAt` (unless already following) and clears `unfollowedAt`;
   * `followed: false` sets `unfollowedAt` and clears `followedAt`; `interactedAt` raises
   * `lastInteractionAt`. `effects` are written, and `updatedAt` moves, only when something changed
   * (a replayed follow is `changed: false`). A merged id resolves to the survivor; an unknown
   * customer is `{ customer: null, changed: false }`.
   *
   * With `delivery` (the webhook push that reports the activity), the delivery is recorded exactly
   * once in the same step: a repeat changes nothing and answers `first: false`; a first delivery
   * writes `effects` whether or not the customer changed (its events are the push's). An unknown
   * customer records nothing.
   */
  recordActivity(input: {
    customerId: string
    followed?: boolean
    interactedAt?: number
    now: number
    effects?: Effects
    delivery?: WebhookDelivery
  }): Promise<{ customer: Customer | null; changed: boolean; first?: boolean }>
  /**
   * One page of the customers matching `where` (everyone without it), ordered by id — ids are
   * time-ordered, so newer customers come last and a customer created while paging appears on a
   * later page, never twice. `next` is the cursor of the following page (pass it as `after`), or
   * `null` after the last. The filter is evaluated by the adapter (SQL for the SQL adapters), and
   * each page costs the same however deep it is. "Within days" filters count back from `now`
   * (default: the adapter's clock).
   */
  listCustomers(input: {
    where?: AudienceFilter
    after?: string | null
    limit: number
    now?: number
  }): Promise<{ customers: Customer[]; next: string | null }>
  /** How many customers match `where` (everyone without it), evaluated by the adapter. */
  countCustomers(input: { where?: AudienceFilter; now?: number }): Promise<{ count: number }>
  /**
   * Changes one consent atomically: `grant` adds sends (or `null` for uncounted), `consume` takes one
   * and reports `ok: false` when none is left, `revoke` ends it.
   */
  changeConsent(input: {
    customerId: string
    channel: string
    topic: string
    change: ConsentChange
    now: number
    effects?: Effects
  }): Promise<{ ok: boolean; consent: Consent | null }>

  // ── audiences (saved segments) ─────────────────────────────────────────────
  /** Creates or replaces an audience; an existing one keeps its `createdAt`. Returns it as stored. */
  putAudience(input: { audience: Audience }): Promise<Audience>
  getAudience(input: { id: string }): Promise<Audience | null>
  /** Every saved audience, by id. */
  listAudiences(input: Record<string, never>): Promise<Audience[]>

  // ── catalog ───────────────────────────────────────────────────────────────
  /**
   * Creates a SKU with its `stock`, or updates an existing SKU's description (title, texts, price,
   * currency, `active`, `limitPerCustomer`) and keeps its stock: units held by pending orders are
   * already out of `stock`, so overwriting it on every boot would sell them twice. Returns the SKU
   * as stored (with its current stock).
   */
  putSku(input: { sku: Sku }): Promise<Sku>
  getSku(input: { id: string }): Promise<Sku | null>
  listSkus(input: { activeOnly?: boolean }): Promise<Sku[]>
  /**
   * Sets the units available to sell (`null`: stop tracking stock). Units held by pending orders
   * are not part of `stock`, so this never takes them back. `null` for an unknown SKU;
   * `invalid_input` for a stock that is not a non-negative integer or null.
   */
  setStock(input: { id: string; stock: number | null }): Promise<Sku | null>
  /**
   * Adds `delta` units (negative: removes them) in one atomic step. A result below 0 is
   * `out_of_stock`, a SKU without stock tracking or a non-integer delta `invalid_input`; either way
   * nothing changes. `null` for an unknown SKU.
   */
  adjustStock(input: { id: string; delta: number }): Promise<Sku | null>

  // ── orders ────────────────────────────────────────────────────────────────
  /**
   * Creates an order and reserves its stock in one step. Throws `out_of_stock` (and changes
   * nothing) when any line cannot be reserved, and `limit_exceeded` when a SKU with a
   * `limitPerCustomer` would have more units in the customer's orders counted by
   * `limitCountingStatuses` (this one included) than the limit — checked in the same atomic step,
   * so concurrent checkouts of one customer cannot both pass. When `order.idempotencyKey` was already used by the
   * same customer, returns that order with `created: false` and reserves nothing.
   */
  createOrder(input: {
    order: Order
    reserve: StockReservation[]
    effects?: Effects
  }): Promise<{ order: Order; created: boolean }>
  getOrder(input: { id: string }): Promise<Order | null>
  getOrderByNumber(input: { number: string }): Promise<Order | null>
  listOrders(input: {
    customerId?: string
    status?: OrderStatus
    limit: number
    /** Orders created before this one (by `createdAt`, then id), for paging newest first. */
    before?: { createdAt: number; id: string }
  }): Promise<Order[]>
  /** Pending orders whose `expiresAt` is at or before `now`, oldest first. */
  listExpiredOrders(input: { now: number; limit: number }): Promise<Order[]>
  /**
   * Compare-and-set: moves the order to `to` only if its status is one of `from`, applying `patch`
   * and writing `effects` in the same transaction. With `releaseStock` the order's lines are
   * returned to stock. Otherwise changes nothing and returns the current order with `changed: false`.
   * A move that `orderTransitions` does not allow from any status of `from` throws
   * `invalid_transition` and changes nothing (check it with `legalSources()` before the
   * compare-and-set).
   */
  transitionOrder(input: {
    id: string
    from: OrderStatus[]
    to: OrderStatus
    patch?: Partial<Pick<Order, 'providerRef' | 'paidAt'>>
    releaseStock?: boolean
    now: number
    effects?: Effects
  }): Promise<{ order: Order | null; changed: boolean }>

  // ── payments and the webhook inbox ────────────────────────────────────────
  savePayment(input: { payment: Payment }): Promise<Payment>
  listPayments(input: { orderId: string }): Promise<Payment[]>
  /**
   * Records a webhook delivery exactly once. Returns `first: false` for a repeat, and then nothing
   * else of the call happens.
   */
  recordWebhook(input: { delivery: WebhookDelivery; effects?: Effects }): Promise<{ first: boolean }>
  /**
   * The paid transition as one atomic step: record the delivery (exactly once), move the order
   * `pending → paid` with the provider's reference, save the payment as succeeded, write effects.
   * A repeated delivery returns `duplicate: true` and changes nothing; an order no longer pending
   * returns `changed: false` (the delivery is still recorded).
   *
   * With `late`, money that arrives for an order already `expired` or `cancelled` is made durable
   * in that same step: the payment is saved as succeeded, `late.refund` is created `pending`
   * (unless a refund with its number exists) and `late.effects` are written with it; `late` in the
   * result is that refund. The caller asks the provider for the refund only afterwards, so a
   * failed provider call leaves a pending refund that reconciliation retries.
   */
  markPaid(input: {
    orderId: string
    delivery: WebhookDelivery | null
    payment: Payment
    now: number
    effects?: Effects
    late?: { refund: Refund; effects?: Effects }
  }): Promise<{
    order: Order | null
    changed: boolean
    duplicate: boolean
    late?: { refund: Refund; created: boolean } | null
  }>

  // ── refunds ───────────────────────────────────────────────────────────────
  /**
   * Creates a refund if the order's pending and succeeded refunds plus this one do not exceed its
   * total (else `refund_exceeds_paid`). A refund with the same `number` returns the existing one.
   */
  createRefund(input: { refund: Refund; effects?: Effects }): Promise<{ refund: Refund; created: boolean }>
  getRefund(input: { id: string }): Promise<Refund | null>
  getRefundByNumber(input: { number: string }): Promise<Refund | null>
  /**
   * The refunds of one order, or (with `status`) of every order, oldest first. `updatedBefore`
   * keeps refunds last changed at or before that time; `limit` bounds the list.
   */
  listRefunds(input: {
    orderId?: string
    status?: RefundStatus
    updatedBefore?: number
    limit?: number
  }): Promise<Refund[]>
  /**
   * Settles a pending refund (`succeeded` or `failed`). On success adds its amount to the order's
   * `refunded` and moves a `paid`, `fulfilled` or `partially_refunded` order to
   * `partially_refunded` or `refunded`, all in one transaction; the refund of a late payment
   * leaves its `expired`/`cancelled` order as it is. A refund that is no longer pending is
   * returned unchanged with `changed: false`.
   */
  settleRefund(input: {
    id: string
    status: Exclude<RefundStatus, 'pending'>
    providerRef?: string | null
    delivery?: WebhookDelivery | null
    now: number
    effects?: Effects
  }): Promise<{ refund: Refund | null; order: Order | null; changed: boolean; duplicate: boolean }>

  // ── shares, visits, rewards ───────────────────────────────────────────────
  createShare(input: { share: Share; effects?: Effects }): Promise<Share>
  getShare(input: { id: string }): Promise<Share | null>
  listShares(input: { customerId?: string; limit: number }): Promise<Share[]>
  recordVisit(input: { visit: Visit; effects?: Effects }): Promise<Visit>
  /** Sets `customerId` on the visits of this browser that have none yet. */
  claimVisits(input: { visitorKey: string; customerId: string }): Promise<{ claimed: number }>
  /** The newest visit by this customer or browser at or after `since`, excluding self-visits. */
  lastVisit(input: { customerId: string; visitorKey?: string | null; since: number }): Promise<Visit | null>
  /**
   * Accrues a reward unless one exists for the same `(sharerId, orderId)`; with `capTotal`, held and
   * released rewards of the sharer (in the reward's currency) may not exceed it — the amount is cut
   * to what is left, and no reward is written when nothing is left.
   */
  createReward(input: {
    reward: Reward
    capTotal?: number
    /** Static effects, or a function of the reward as stored (its amount cut to the cap). */
    effects?: Effects | ((stored: Reward) => Effects)
  }): Promise<{ reward: Reward | null; created: boolean }>
  transitionReward(input: {
    id: string
    from: RewardStatus[]
    to: RewardStatus
    now: number
    effects?: Effects
  }): Promise<{ reward: Reward | null; changed: boolean }>
  /**
   * Claws back part or all of a held reward: raises its `clawedBack` to `clawedBack` (never lowers
   * it, never past `amount`) and, when all of it is clawed back, moves it to `clawed_back`. Only a
   * `held` reward changes; otherwise (or when `clawedBack` is not higher) returns `changed: false`
   * and writes nothing. Effects given as a function see the reward before and after.
   */
  clawBackReward(input: {
    id: string
    clawedBack: number
    now: number
    effects?: Effects | ((stored: Reward, before: Reward) => Effects)
  }): Promise<{ reward: Reward | null; changed: boolean }>
  listRewards(input: {
    sharerId?: string
    orderId?: string
    status?: RewardStatus
    dueBefore?: number
    limit: number
  }): Promise<Reward[]>

  // ── event log ─────────────────────────────────────────────────────────────
  appendEvents(input: { events: NewEvent[] }): Promise<void>
  /** Events after `after` (a seq), oldest first. */
  listEvents(input: {
    after?: number
    types?: string[]
    customerId?: string
    orderId?: string
    limit: number
  }): Promise<LoopEventRecord[]>

  // ── outbox ────────────────────────────────────────────────────────────────
  /** Writes outbox rows outside another change (skipping existing dedupe keys). */
  enqueueNotifications(input: {
    notifications: NewNotification[]
    now: number
  }): Promise<{ inserted: number }>
  /**
   * Leases up to `limit` pending rows due at `now` (and rows whose lease ran out) to `leaseToken`
   * until `now + leaseMs`, incrementing each row's `attempts` (a claim is an attempt, so a row whose
   * dispatcher keeps crashing still runs out). Two concurrent claims never return the same row.
   */
  claimNotifications(input: {
    now: number
    limit: number
    leaseMs: number
    leaseToken: string
  }): Promise<Notification[]>
  /**
   * Ends a lease with an outcome. Ignored (`changed: false`) if the lease is no longer held by
   * `leaseToken`, so a slow dispatcher can never overwrite a newer one.
   */
  completeNotification(input: {
    id: string
    leaseToken: string
    outcome: NotificationOutcome
    now: number
    effects?: Effects
  }): Promise<{ changed: boolean }>
  /**
   * Ends many leases of one claim in one atomic step, each exactly as `completeNotification`
   * would: a row whose lease `leaseToken` no longer holds is skipped, and its `events` are not
   * written. Returns the ids that changed.
   */
  completeNotifications(input: {
    leaseToken: string
    completions: NotificationCompletion[]
    now: number
  }): Promise<{ changed: string[] }>
  listNotifications(input: {
    customerId?: string
    status?: Notification['status']
    limit: number
  }): Promise<Notification[]>

  // ── cache (tokens, locks, login state) ────────────────────────────────────
  cacheGet(input: { key: string; now: number }): Promise<string | null>
  /** With `ifAbsent`, stores only when no unexpired value exists (a lease / lock). */
  cacheSet(input: {
    key: string
    value: string
    ttlMs: number
    now: number
    ifAbsent?: boolean
  }): Promise<{ stored: boolean }>
  /** With `ifValue`, deletes only when the current value equals it (releasing one's own lock). */
  cacheDelete(input: { key: string; ifValue?: string }): Promise<{ deleted: boolean }>

  /** Releases connections and file handles. */
  close?(): Promise<void>
}
