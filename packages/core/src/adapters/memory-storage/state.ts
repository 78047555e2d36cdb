import type { BroadcastJob, BroadcastOutcome } from '../../contracts/broadcast.js'
import type { Effects } from '../../contracts/storage.js'
import type { Audience } from '../../domain/audience.js'
import type { Campaign, CampaignVisit } from '../../domain/campaign.js'
import type { Sku } from '../../domain/catalog.js'
import type { Customer } from '../../domain/customer.js'
import type { LoopEventRecord } from '../../domain/event.js'
import type { Notification } from '../../domain/notification.js'
import type { Order, Payment, Refund } from '../../domain/order.js'
import type { Reward, Share, Visit } from '../../domain/share.js'

interface CacheEntry {
  value: string
  expiresAt: number
}

/**
 * Everything a memory storage holds. Every operation reads and writes it synchronously, without an
 * `await` in between, so each one is atomic with respect to every other async caller.
 */
export interface MemoryState {
  customers: Map<string, Customer>
  /** Customer ids in id order, for paging; `null` after a customer is added or merged away. */
  customerOrder: string[] | null
  audiences: Map<string, Audience>
  /** `provider \0 subject` → customer id. */
  identities: Map<string, string>
  /** WeChat unionid → customer id. */
  unionIds: Map<string, string>
  /** Merged customer id → the id of the customer that survived the merge. */
  mergedInto: Map<string, string>
  skus: Map<string, Sku>
  orders: Map<string, Order>
  orderNumbers: Map<string, string>
  /** `customerId \0 idempotencyKey` → order id. */
  idempotencyKeys: Map<string, string>
  payments: Map<string, Payment>
  /** `provider \0 eventId` of every recorded webhook delivery. */
  webhooks: Set<string>
  refunds: Map<string, Refund>
  refundNumbers: Map<string, string>
  shares: Map<string, Share>
  visits: Map<string, Visit>
  rewards: Map<string, Reward>
  /** `sharerId \0 orderId` → reward id. */
  rewardKeys: Map<string, string>
  /** Sorted by `seq`. */
  events: LoopEventRecord[]
  eventIds: Set<string>
  seq: number
  notifications: Map<string, Notification>
  dedupeKeys: Set<string>
  /** Ids of pending rows in roughly due order, so a claim does not scan sent history. */
  pendingNotifications: Set<string>
  /** The send ledger of frequency caps: reserved message keys, and per customer+class the times. */
  /** Reserved message keys, with the ledger and time they count under (for `releaseSend`). */
  sendKeys: Map<string, { ledger: string; at: number }>
  campaigns: Map<string, Campaign>
  campaignVisits: Map<string, CampaignVisit>
  /** Broadcast jobs by key. */
  broadcastJobs: Map<string, BroadcastJob>
  /** Delivery reports that arrived before their job was recorded, by job id. */
  broadcastOutcomes: Map<string, { outcome: BroadcastOutcome; at: number }>
  sends: Map<string, number[]>
  cache: Map<string, CacheEntry>
  cacheWrites: number
}

export function createState(): MemoryState {
  return {
    customers: new Map(),
    customerOrder: null,
    audiences: new Map(),
    identities: new Map(),
    unionIds: new Map(),
    mergedInto: new Map(),
    skus: new Map(),
    orders: new Map(),
    orderNumbers: new Map(),
    idempotencyKeys: new Map(),
    payments: new Map(),
    webhooks: new Set(),
    refunds: new Map(),
    refundNumbers: new Map(),
    shares: new Map(),
    visits: new Map(),
    rewards: new Map(),
    rewardKeys: new Map(),
    events: [],
    eventIds: new Set(),
    seq: 0,
    notifications: new Map(),
    dedupeKeys: new Set(),
    pendingNotifications: new Set(),
    sendKeys: new Map(),
    campaigns: new Map(),
    campaignVisits: new Map(),
    broadcastJobs: new Map(),
    broadcastOutcomes: new Map(),
    sends: new Map(),
    cache: new Map(),
    cacheWrites: 0,
  }
}

/** Joins key parts with NUL, which no id, provider or subject contains. */
export function key(...parts: string[]): string {
  return parts.join('\u0000')
}

/** Copies a value in or out, so a caller can never mutate what is stored. */
export function copy<T>(value: T): T {
  return structuredClone(value)
}

/** Copies a value out, or `null`. */
export function copyOrNull<T>(value: T | undefined): T | null {
  return value === undefined ? null : structuredClone(value)
}

/**
 * Writes a change's effects. Call it last, after every check that could throw, so a refused change
 * leaves no event or outbox row behind. Returns how many outbox rows were inserted.
 */
export function writeEffects(state: MemoryState, effects: Effects | undefined, now: number): number {
  if (!effects) return 0
  for (const event of effects.events ?? []) {
    if (state.eventIds.has(event.id)) continue
    state.eventIds.add(event.id)
    state.seq += 1
    state.events.push({ ...copy(event), seq: state.seq })
  }
  let inserted = 0
  for (const n of effects.outbox ?? []) {
    if (state.dedupeKeys.has(n.dedupeKey) || state.notifications.has(n.id)) continue
    state.dedupeKeys.add(n.dedupeKey)
    state.notifications.set(n.id, {
      id: n.id,
      dedupeKey: n.dedupeKey,
      channel: n.channel,
      customerId: n.customerId,
      message: copy(n.message),
      status: 'pending',
      attempts: 0,
      nextAttemptAt: n.nextAttemptAt ?? now,
      leaseUntil: null,
      leaseToken: null,
      lastError: null,
      decision: null,
      providerMessageId: null,
      createdAt: now,
      updatedAt: now,
    })
    state.pendingNotifications.add(n.id)
    inserted += 1
  }
  return inserted
}
