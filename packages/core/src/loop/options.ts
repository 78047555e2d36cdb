import type { IdentityAdapter } from '../contracts/identity.js'
import type { MessagingAdapter, MessagingLimits } from '../contracts/messaging.js'
import type { PaymentAdapter } from '../contracts/payment.js'
import type { LoopPlugin } from '../contracts/plugin.js'
import type { StorageAdapter } from '../contracts/storage.js'
import type { Sku } from '../domain/catalog.js'
import type { Customer } from '../domain/customer.js'
import type { RenderedMessage } from '../domain/notification.js'
import type { Order, Refund } from '../domain/order.js'
import type { Reward } from '../domain/share.js'
import type { NotificationPolicy } from '../flows/policy/types.js'
import type { RateLimitOptions } from '../security/rate-limit/limits.js'

/** What a host's page layout receives: the title (plain text) and the body (already escaped HTML). */
export interface PageLayoutInput {
  /** Plain text: the layout escapes it. */
  title: string
  /** Escaped HTML, safe to insert as is. */
  body: string
  lang: 'zh' | 'en'
}

/**
 * Wraps a Loopkit page (a broken share link, the sandbox login and pay pages) in the host's look.
 *
 * @example
 * ```ts
 * const layout: PageLayout = ({ title, body, lang }) =>
 *   `<!doctype html><html lang="${lang}"><title>${escapeHtml(title)}</title><link rel="stylesheet" href="/site.css"><main>${body}</main></html>`
 * ```
 */
export type PageLayout = (input: PageLayoutInput) => string

/** The inputs a notification template renders from. */
export interface NotificationInput {
  customer: Customer
  order?: Order
  refund?: Refund
  reward?: Reward
}

/** The changes that queue a notification; each has a template. */
export type NotificationTopic = 'order.paid' | 'order.fulfilled' | 'order.refunded' | 'reward.accrued'

/** Renders a topic's message for one customer; `null` sends nothing. */
export type NotificationTemplate = (input: NotificationInput) => RenderedMessage | null

/**
 * Options of {@link createLoop}. `secret`, `baseUrl` and `storage` are required. Adapters you do not
 * pass, the loop does not have: no `payments` is no checkout, no `identity` is no login route, no
 * `messaging` queues no message. For development, spread `devDefaults()` from `@loopkit/core/dev`
 * (memory storage, sandbox payments and login, console messages) and override what you have.
 */
export interface LoopOptions {
  /** At least 32 characters. Signs sessions, login state and share tokens. Never logged. */
  secret: string
  /** The public URL where `loop.fetch` is mounted, e.g. `https://shop.example/loop`. */
  baseUrl: string
  /**
   * Where the loop keeps everything: `sqliteStorage()` (`@loopkit/storage-sqlite`),
   * `postgresStorage()` (`@loopkit/storage-postgres`), or `memoryStorage()` from `@loopkit/core/dev`.
   */
  storage: StorageAdapter
  /** Payment providers; the first is the default of a checkout. None: checkout is refused. */
  payments?: PaymentAdapter[]
  /** Login providers (`/login/:provider`). None: logins only through `loop.customers.login()`. */
  identity?: IdentityAdapter[]
  /** Message channels. None: changes queue no notification. */
  messaging?: MessagingAdapter[]
  plugins?: LoopPlugin[]
  /** The clock, injectable for tests. */
  now?: () => number
  orders?: {
    /** How long an unpaid order holds its stock. Default 30 minutes. */
    ttlMs?: number
    /** The most units of one SKU an order may hold (repeated lines are merged first). Default 999. */
    maxQuantity?: number
  }
  refunds?: {
    /** The deadline of each provider call refund work makes in the background (query, retry). Default 5 s. */
    providerTimeoutMs?: number
    /**
     * Reconciliation looks at a pending refund once it is this old, and again at most this often
     * (across instances sharing the storage). Default 60 s.
     */
    retryAfterMs?: number
  }
  attribution?: {
    /** How long after a share visit an order is credited to the sharer. Default 7 days. */
    windowMs?: number
  }
  session?: {
    /** Default 30 days. */
    maxAgeMs?: number
    /** Default: true when `baseUrl` is https. */
    secureCookies?: boolean
    /** Replace the cookie session: return the customer id of the request, or null. */
    resolve?: (request: Request) => Promise<string | null> | string | null
  }
  notifications?: {
    /** Per-topic templates; return null to send nothing. Defaults exist for every topic. */
    templates?: Partial<Record<NotificationTopic, NotificationTemplate>>
    /** Attempts before a row is dead-lettered. Default 8. */
    maxAttempts?: number
    /** Exponential backoff: base delay and cap. Default 5 s and 1 h. */
    backoff?: { baseMs: number; maxMs: number }
    /** Rows one dispatcher pass claims at once (and the most the background dispatcher keeps in flight). Default 512. */
    batchSize?: number
    /** How long a claimed row stays leased to its dispatcher. Default 60 s. */
    leaseMs?: number
    /** Sends in flight at once per channel, unless the channel's `limits` say otherwise. Default 64. */
    concurrency?: number
    /** Per-channel limits by channel id, overriding the adapter's own `limits` (e.g. `{ wechat: { perMinute: 6000 } }`). */
    channels?: Record<string, MessagingLimits>
  }
  /**
   * The notification policy every outbox row passes through at dispatch time: frequency caps per
   * class, quiet hours in the customer's zone, a fallback chain per topic, follower-only channels.
   * Default: none (every channel at once, no caps).
   */
  policy?: NotificationPolicy
  /**
   * The background work `loop.start()` runs: independent loops (dispatch, expiry, refund
   * reconciliation, plugin ticks, scheduled campaigns),
   * each on its own schedule, so a stuck one never holds up another.
   */
  background?: {
    /** Pause between dispatcher passes when the outbox is idle; a committed outbox row wakes it at once. Default 1 s. */
    dispatchIntervalMs?: number
    /** Pause between expiry passes. Default 1 s. */
    expiryIntervalMs?: number
    /** Pause between refund-reconciliation passes (a refund is first checked once `refunds.retryAfterMs` old). Default 1 s. */
    refundIntervalMs?: number
    /** Pause between analytics fold passes (when the storage keeps rollups). Default 1 s. */
    analyticsIntervalMs?: number
    /** Pause between plugin `tick` passes. Default 1 s. */
    tickIntervalMs?: number
    /** Pause between passes that start scheduled campaigns whose `schedule.at` has come. Default 1 s. */
    campaignIntervalMs?: number
    /** Deadline of every adapter call background work makes (a send, a provider query, a hook). Default 5 s. */
    adapterTimeoutMs?: number
    /** The most `loop.stop()` waits for passes in flight before it resolves anyway. Default 10 s. */
    stopTimeoutMs?: number
  }
  shares?: {
    /** Where a share link lands: a path on the host app. Default `/?sku=<id>` or `/`. */
    target?: (input: { sku: Sku | null }) => string
  }
  /**
   * Browser origins (other than the loop's own) allowed to call the loop with credentials, e.g. a
   * storefront on another domain embedding the share card. Default: none (same origin only).
   */
  cors?: { origins: string[] }
  /**
   * The pages Loopkit answers browsers with (a broken share link, the sandbox login and pay pages):
   * `layout` wraps their escaped body in the host's own look. Default: a small self-contained page.
   */
  pages?: { layout?: PageLayout }
  /**
   * Origins (besides `baseUrl`'s) a checkout's `returnUrl` may send the buyer to after paying, e.g.
   * `['https://m.shop.example']`. Any other `returnUrl` is `invalid_input`. Default: none.
   */
  allowedRedirectOrigins?: string[]
  /**
   * Token-bucket limits on login start, checkout, `POST /events` and share creation, per customer,
   * else visitor cookie, else client address; a refused request gets `429` `rate_limited` with
   * `retry-after`. On by default, counted in memory; `{ store: 'storage' }` counts across instances;
   * `false` turns them off.
   */
  rateLimits?: RateLimitOptions | false
  /**
   * How many reverse proxies in front of the loop append the client address to `X-Forwarded-For`
   * (`true` = 1). The loop then reads the address that many entries from the right, which a client
   * cannot forge. Default: none — the header is ignored, since any client can send it.
   */
  trustProxy?: boolean | number
  /**
   * The client address of a request when your server knows it (Node: `req.socket.remoteAddress`;
   * Cloudflare: `CF-Connecting-IP`). Takes precedence over `trustProxy`.
   */
  clientIp?: (request: Request) => string | null | undefined
  /** Loop analytics (see docs/concepts/analytics.md). */
  analytics?: {
    /** IANA time zone the days and months of analytics are counted in. Default `UTC`. */
    zone?: string
    /**
     * Mounts the `/analytics/*` routes when given: answers whether this request may read analytics
     * (e.g. an admin session or token). Without it those routes do not exist (404).
     */
    authorize?: (request: Request) => boolean | Promise<boolean>
    /**
     * The most of its process's time the background fold (`start()`) takes while it is behind, from
     * 0.01 to 1. Default 0.05: in a burst of checkouts analytics fall behind and catch up after,
     * rather than take the checkouts' time. 1 folds flat out (a process that serves no checkouts).
     */
    foldShare?: number
  }
  /** Called with errors the loop contains: a throwing listener, a failing after-hook. */
  onError?: (error: unknown, where: string) => void
}
