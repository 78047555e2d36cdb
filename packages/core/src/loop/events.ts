import mittModule from 'mitt'
import type { NewEvent } from '../domain/event.js'
import type { Attribution } from '../domain/order.js'

// mitt's typings are CommonJS-flavoured while its ESM build has a real default export.
const mitt = ((mittModule as unknown as { default?: unknown }).default ??
  mittModule) as unknown as typeof import('mitt').default

/**
 * What the `notification.sent`, `.retry`, `.dead` and `.skipped` events carry; `decision` is the
 * notification policy's (`fell_back: recipient_refused`, `skipped: frequency_cap`).
 * @inline
 */
type NotificationData = {
  notificationId: string
  /** On `notification.sent` of a row a campaign wrote, so analytics count whom it reached. */
  campaignId?: string
  channel: string
  topic: string
  dedupeKey: string
  error?: string
  decision?: string
}
/**
 * What the `reward.*` events carry.
 * @inline
 */
type RewardData = { rewardId: string; sharerId: string; amount: number }

/** The `data` of each event type the loop writes to its log and emits. */
export interface LoopEventData {
  'customer.created': { provider: string; referredBy: string | null }
  /** `visitor`: the browser's visitor id, as in `share.visited`, when the login came through `loop.fetch`. */
  'customer.logged_in': { provider: string; visitor?: string }
  /** Two customers turned out to be one person (a shared unionid): `mergedId` now resolves to `survivorId`. */
  'customer.merged': { survivorId: string; mergedId: string; unionId: string }
  'order.created': { number: string; total: number; currency: string; attribution: Attribution | null }
  'order.paid': {
    number: string
    provider: string
    providerRef: string
    total: number
    currency: string
    attribution: Attribution | null
    /** Present when the payment was found by querying the provider rather than by webhook. */
    source?: 'query'
    /** The campaign the order is attributed to (its link was the last touch before checkout). */
    campaignId?: string
  }
  'order.fulfilled': { number: string }
  /** `reason` is set when the loop cancelled the order itself (`payment_failed`: the provider refused or failed checkout). */
  'order.cancelled': { number: string; reason?: 'payment_failed' }
  'order.expired': { number: string }
  /** `number` is the refund's number. */
  'order.refunded': { number: string; amount: number; currency: string }
  /** `late` marks the refund of a payment that arrived for an expired or cancelled order. */
  'refund.requested': { number: string; amount: number; late?: true }
  'refund.failed': { number: string; amount: number }
  'payment.suspicious': { reason: string; [detail: string]: unknown }
  'payment.late': { number: string; status: string; providerRef: string; amount: number }
  'webhook.rejected': { provider: string; code: string }
  'share.created': { shareId: string; skuId: string | null; channel: string | null }
  /**
   * `via`: `login` when a visit was claimed at login, `qr` for a scan of the share's official-account
   * QR code. `visitor` is the browser's first-party visitor id (a MAC of its visitor cookie), for
   * people-based analytics.
   */
  'share.visited': { shareId: string; sharerId: string; via?: 'login' | 'qr'; visitor?: string }
  /** A page view the widget's `track()` reported (`POST /track`); `visitor` as in `share.visited`. */
  'visitor.seen': { visitor: string; path: string | null }
  'share.action': { shareId: string; channel: string; sharerId: string }
  /** A campaign link was opened (`GET /c/:token`); `visitor` as in `share.visited`. */
  'campaign.visited': { campaignId: string; visitor: string }
  /** The background loop started a scheduled campaign's fan-out (its `sendAt` came). */
  'campaign.started': { campaignId: string }
  'notification.sent': NotificationData
  'notification.retry': NotificationData
  'notification.dead': NotificationData
  'notification.skipped': NotificationData
  'reward.accrued': RewardData & { kind: 'amount' | 'coupon'; currency: string; coupon: string | null }
  'reward.released': RewardData
  /** `amount` is what this refund took back; `clawedBack` the total so far, `remaining` what the sharer keeps. */
  'reward.clawed_back': RewardData & { clawedBack: number; remaining: number }
  'hooks.completed': { hook: string }
  /** The customer followed the official account; `scene` is the parametric QR scene that made them follow. */
  'wechat.followed': { openid: string; scene: string | null }
  'wechat.unfollowed': { openid: string }
  /** A follower scanned a parametric QR code. */
  'wechat.scanned': { openid: string; scene: string }
  /** An inbound message (it opens the 48 h customer-service window). `msgId` is 64-bit: a string. */
  'wechat.message_received': { openid: string; msgType: string; msgId: string }
  'wechat.menu': { openid: string; event: 'CLICK' | 'VIEW'; key: string }
  /** The official account's template-message delivery result. */
  'wechat.template_finished': { msgId: string; status: string }
  /** A mass send finished: WeChat's counts (`FilterCount` ≈ `SentCount + ErrorCount`). */
  'wechat.mass_send_finished': {
    msgId: string
    status: string
    totalCount: number
    filterCount: number
    sentCount: number
    errorCount: number
  }
  /** A subscription-notification choice (`accept`/`reject`) or delivery result for a template. */
  'wechat.subscription': {
    openid: string
    event: 'popup' | 'change' | 'sent'
    templateId: string
    status: string
    topic: string | null
  }
}

/** The event types the loop emits. */
export type LoopEventType = keyof LoopEventData

/** What listeners receive: the event as written to the log (its `seq` is assigned by storage). */
export type LoopEvent<K extends LoopEventType = LoopEventType> = Omit<NewEvent, 'type' | 'data'> & {
  type: K
  data: LoopEventData[K]
}

/** A listener; it receives the persisted event-log record. */
export type LoopListener<K extends LoopEventType = LoopEventType> = (event: LoopEvent<K>) => void

/**
 * mitt, wrapped so that a throwing listener cannot break the loop (mitt stops at the first throw):
 * each listener runs in its own try/catch and failures go to `onListenerError`.
 */
export function createEmitter(onListenerError: (error: unknown, event: NewEvent) => void) {
  const bus = mitt<Record<string, NewEvent>>()
  return {
    on<K extends LoopEventType>(type: K | '*', listener: LoopListener<K>): () => void {
      const safe = (a: unknown, b?: unknown) => {
        const event = (type === '*' ? b : a) as LoopEvent<K>
        try {
          listener(event)
        } catch (error) {
          onListenerError(error, event)
        }
      }
      if (type === '*') bus.on('*', safe as never)
      else bus.on(type, safe)
      return () => (type === '*' ? bus.off('*', safe as never) : bus.off(type, safe))
    },
    emit(events: readonly NewEvent[]): void {
      for (const e of events) bus.emit(e.type, e)
    },
  }
}

export type LoopEmitter = ReturnType<typeof createEmitter>
