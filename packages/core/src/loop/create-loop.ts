import { defined } from '../_internal/defined.js'
import type { Audience, AudienceFilter } from '../domain/audience.js'
import type { Sku } from '../domain/catalog.js'
import type { Customer, IdentityProfile } from '../domain/customer.js'
import type { Notification } from '../domain/notification.js'
import type { Order, OrderStatus, Refund } from '../domain/order.js'
import { checkZone } from '../flows/analytics/days.js'
import { checkFoldShare } from '../flows/analytics/fold.js'
import { analyticsApi } from '../flows/analytics/index.js'
import { defineAudience, findAudience, listAudiences } from '../flows/audience/define.js'
import {
  type CustomerPage,
  countCustomers,
  countMembers,
  listCustomers,
  listMembers,
} from '../flows/audience/members.js'
import { setTimeZone } from '../flows/audience/time-zone.js'
import { cancelCampaign } from '../flows/campaign/cancel.js'
import { type CreateCampaignInput, createCampaign } from '../flows/campaign/create.js'
import { sendCampaign } from '../flows/campaign/fan-out.js'
import { type CampaignLink, campaignLink } from '../flows/campaign/link.js'
import { type CampaignListInput, type CampaignPage, listCampaigns } from '../flows/campaign/list.js'
import { previewCampaign } from '../flows/campaign/preview.js'
import { campaignReport } from '../flows/campaign/report.js'
import { campaignStore } from '../flows/campaign/store.js'
import { adjustStock, putSku, setStock } from '../flows/catalog.js'
import { type CheckoutResult, checkout } from '../flows/checkout.js'
import { getCustomer, grantConsent, loginCustomer, tagCustomer } from '../flows/customers.js'
import { type DispatchInput, type DispatchResult, dispatchNotifications } from '../flows/dispatch.js'
import { recoverHooks } from '../flows/hooks.js'
import { cancelOrder, expireDue, fulfilOrder } from '../flows/lifecycle.js'
import { beginLogin } from '../flows/login.js'
import {
  getOrder,
  getOrderByNumber,
  listEvents,
  listNotifications,
  listOrders,
  listRefunds,
  listRewards,
  listShares,
  reconcileOrder,
} from '../flows/queries.js'
import { type RefundReconcileResult, reconcileRefunds } from '../flows/reconcile-refunds.js'
import { createRefund } from '../flows/refund.js'
import { createShare, shareCard, visitShare } from '../flows/share.js'
import { handleWebhook } from '../flows/webhook.js'
import { createHandler } from '../http/handler.js'
import { loginBindingCookie } from '../http/session.js'
import { recordId } from '../schemas/common.js'
import { loginBeginInput } from '../schemas/customers.js'
import { dispatchInput, orderRef, passInput, startInput, webhookInput } from '../schemas/orders.js'
import { shareCardInput, shareVisitInput, sinceInput } from '../schemas/shares.js'
import { parseInput } from '../schemas.js'
import { bindingDigest, bindingValue } from '../security/login-binding.js'
import { type Background, createBackground } from './background.js'
import { backgroundLoops, runTickHooks } from './background-loops.js'
import type { LoopEventType, LoopListener } from './events.js'
import type { LoopOptions } from './options.js'
import { createRuntime, positive } from './runtime.js'

/**
 * Creates a loop: login → pay → notify → share → attributed re-entry, with its Web handler.
 *
 * @example
 * ```ts
 * import { createLoop } from '@loopkit/core'
 * import { devDefaults } from '@loopkit/core/dev'
 *
 * const loop = createLoop({
 *   ...devDefaults(), // memory storage, sandbox payments and login, console messages: no defaults otherwise
 *   secret: process.env.LOOP_SECRET!,
 *   baseUrl: 'https://shop.example/loop',
 * })
 * // Safe on every boot: stock applies when the SKU is created; restock with loop.catalog.adjustStock().
 * await loop.catalog.put({ id: 'duck', title: 'Nanjing salted duck', description: null, imageUrl: null, price: 8800, currency: 'CNY', stock: 100, active: true })
 * loop.on('order.paid', (e) => console.log('paid', e.orderId))
 * export default { fetch: loop.fetch } // any Web-standard server
 * ```
 */
export function createLoop(options: LoopOptions) {
  let handler: ((request: Request) => Promise<Response>) | null = null
  const handle = (request: Request) => handler!(request)
  const rt = createRuntime(options, handle)
  handler = createHandler(rt)
  let background: Background | null = null
  let unsubscribe: (() => void) | null = null
  if (options.analytics?.zone !== undefined) checkZone(options.analytics.zone)
  checkFoldShare(options.analytics?.foldShare)
  const analytics = analyticsApi(rt)

  const loop = {
    /** The Web-standard handler. Mount it at the path of `baseUrl`. */
    fetch: handle,
    /** Observe an event (after it is committed). Returns the unsubscribe function. A throwing listener is contained. */
    on<K extends LoopEventType>(type: K | '*', listener: LoopListener<K>): () => void {
      return rt.emitter.on(type, listener)
    },
    storage: rt.storage,
    catalog: {
      /**
       * Creates a SKU with its `stock`, or updates an existing SKU's description and keeps its stock,
       * so calling it on every boot is safe. Validated: `invalid_input` for a bad price, currency or title.
       */
      put: (sku: Sku): Promise<Sku> => putSku(rt, sku),
      get: (id: string) => rt.storage.getSku({ id: parseInput(recordId, id, 'catalog') }),
      list: () => rt.storage.listSkus({ activeOnly: true }),
      /**
       * Sets the units available to sell (`null`: stop tracking). Units held by pending orders are
       * already not counted in `stock`, so this never takes them back.
       */
      setStock: (input: { id: string; stock: number | null }): Promise<Sku> => setStock(rt, input),
      /** Adds (or, negative, removes) units atomically; never below 0 (`out_of_stock`, nothing changed). */
      adjustStock: (input: { id: string; delta: number }): Promise<Sku> => adjustStock(rt, input),
    },
    customers: {
      get: (id: string) => getCustomer(rt, id),
      /** Logs in a verified profile from the host app's own login (no redirect). */
      login: (input: { profile: IdentityProfile; shareToken?: string | null }) => loginCustomer(rt, input),
      tag: (input: { id: string; add?: string[]; remove?: string[] }) => tagCustomer(rt, input),
      /** Records a consent (e.g. a mini-program subscribe acceptance): `count` sends, or null for uncounted. */
      grantConsent: (input: { customerId: string; channel: string; topic: string; count: number | null }) =>
        grantConsent(rt, input),
      /**
       * A page of the customers matching `where` (everyone without it), in id order (newest last);
       * pass `next` back as `after`. `limit` defaults to 100, at most 1,000. Evaluated by the storage
       * adapter, never by loading the pool. `invalid_input` for a malformed filter.
       */
      list: (
        input: { where?: AudienceFilter; after?: string | null; limit?: number } = {},
      ): Promise<CustomerPage> => listCustomers(rt, input),
      /** How many customers match `where` (everyone without it). */
      count: (input: { where?: AudienceFilter } = {}): Promise<number> => countCustomers(rt, input),
      /** Sets (or, with `null`, forgets) a customer's IANA time zone, for quiet hours. */
      setTimeZone: (input: { id: string; timeZone: string | null }): Promise<Customer> =>
        setTimeZone(rt, input),
    },
    /**
     * Saved segments of the customer pool. `followers` is built in. "Within days" filters count
     * back from the loop's clock.
     */
    audiences: {
      /** Saves or replaces an audience (durable in storage; a replace keeps `createdAt`). */
      define: (input: { id: string; where: AudienceFilter; name?: string | null }): Promise<Audience> =>
        defineAudience(rt, input),
      /** The audience (built-in or saved); `not_found` if there is none. */
      get: (id: string): Promise<Audience> => findAudience(rt, id),
      /** Built-in audiences, then the saved ones by id. */
      list: (): Promise<Audience[]> => listAudiences(rt),
      /** How many customers the audience holds now. */
      count: (id: string): Promise<number> => countMembers(rt, id),
      /** A page of the audience's members in id order; pass `next` back as `after`. */
      members: (id: string, input: { after?: string | null; limit?: number } = {}): Promise<CustomerPage> =>
        listMembers(rt, id, input),
    },
    login: {
      /**
       * Starts a login from the host's own route: the provider's authorize URL, and the cookie that
       * binds the login to this browser. Send both — `302 Location: url` with `Set-Cookie:
       * setCookie` — or the callback refuses the login (`login_state_mismatch`).
       */
      begin: async (input: {
        provider: string
        returnTo?: string
        shareToken?: string | null
      }): Promise<{ url: string; setCookie: string }> => {
        parseInput(loginBeginInput, input, 'login')
        const binding = bindingValue(undefined)
        const url = await beginLogin(rt, {
          provider: input.provider,
          returnTo: input.returnTo ?? '/',
          shareToken: input.shareToken ?? null,
          binding: bindingDigest(rt.keys.login, binding.value),
        })
        return { url, setCookie: loginBindingCookie(rt, binding.value) }
      },
    },
    /** Creates an order (reserving stock) and asks the provider how the buyer pays it. */
    checkout: (input: Parameters<typeof checkout>[1]): Promise<CheckoutResult> => checkout(rt, input),
    orders: {
      get: (id: string): Promise<Order | null> => getOrder(rt, id),
      getByNumber: (number: string) => getOrderByNumber(rt, number),
      list: (input: { customerId?: string; status?: OrderStatus; limit?: number } = {}) =>
        listOrders(rt, input),
      fulfil: (input: { orderId: string }) => fulfilOrder(rt, parseInput(orderRef, input, 'orders')),
      cancel: (input: { orderId: string }) => cancelOrder(rt, parseInput(orderRef, input, 'orders')),
      /** Expires unpaid orders past their time, releasing stock (after asking the provider). */
      expireDue: (input: { limit?: number } = {}) =>
        expireDue(rt, defined(parseInput(passInput, input, 'orders'))),
      /** Asks the provider about a pending order whose webhook never came, and about its pending refunds. */
      reconcile: (input: { orderId: string }) => reconcileOrder(rt, input),
    },
    refunds: {
      create: (input: {
        orderId: string
        amount?: number
        reason?: string
        idempotencyKey?: string
      }): Promise<Refund> => createRefund(rt, input),
      list: (input: { orderId: string }) => listRefunds(rt, input),
      /**
       * Finishes refunds left pending (a provider call that failed or timed out, a notice that never
       * came): asks the provider, settles final answers, re-sends unknown ones under the same number.
       * `start()` runs it in the background.
       */
      reconcile: (input: { limit?: number } = {}): Promise<RefundReconcileResult> =>
        reconcileRefunds(rt, defined(parseInput(passInput, input, 'refund'))),
    },
    webhooks: {
      /** The webhook inbox, for hosts that route webhooks themselves. */
      handle: (input: { provider: string; request: Request }) =>
        handleWebhook(rt, parseInput(webhookInput, input, 'webhook')),
    },
    campaigns: {
      /** Creates a draft campaign: one message to one audience on a channel plan (`{ channels }`), optionally `schedule: { at }`. */
      create: (input: CreateCampaignInput) => createCampaign(rt, input),
      get: (input: { id: string }) => campaignStore(rt).getCampaign({ id: String(input.id) }),
      /**
       * Campaigns newest first, a page at a time (`limit` 1–200, default 50), optionally one `status`;
       * pass `next` back as `after` for the following page (`null` after the last).
       */
      list: (input: CampaignListInput = {}): Promise<CampaignPage> => listCampaigns(rt, input),
      /** Counts the audience and shows the first members' routing; sends and writes nothing. */
      preview: (input: { id: string; sample?: number }) => previewCampaign(rt, input),
      /** Fans the campaign out into the outbox, batch by batch; call again to resume after a crash. */
      send: (input: { id: string; batchSize?: number }) => sendCampaign(rt, input),
      /** Stops the fan-out and skips the rows still waiting. */
      cancel: (input: { id: string }) => cancelCampaign(rt, input),
      /** Reach, sent, failed, skipped and fallbacks by reason, deferred, by channel; clicks, orders, buyers and net revenue of its link. */
      report: (input: { id: string }) => campaignReport(rt, input),
      /**
       * The campaign's signed link `{ token, url }` (`<baseUrl>/c/<token>`), leading to `to` (on this
       * site or an origin of `allowedRedirectOrigins`), else the message's `url`, else `/`. Opening it
       * records a visit that attributes the visitor's orders to the campaign.
       */
      link: (input: { id: string; to?: string }): Promise<CampaignLink> => campaignLink(rt, input),
    },
    notify: {
      /** One dispatcher pass over the outbox: claims a batch, sends it within each channel's limits, records the outcomes. */
      dispatch: (input: DispatchInput = {}): Promise<DispatchResult> =>
        dispatchNotifications(rt, defined(parseInput(dispatchInput, input, 'notify'))),
      list: (input: { customerId?: string; status?: Notification['status']; limit?: number } = {}) =>
        listNotifications(rt, input),
    },
    shares: {
      create: (input: { customerId: string; skuId?: string | null; channel?: string | null }) =>
        createShare(rt, input),
      card: (input: { token: string }) => shareCard(rt, parseInput(shareCardInput, input, 'share')),
      visit: (input: { token: string; visitorKey: string; customerId?: string | null }) =>
        visitShare(rt, {
          ...parseInput(shareVisitInput, input, 'share'),
          customerId: input.customerId ?? null,
        }),
      list: (input: { customerId?: string; limit?: number } = {}) => listShares(rt, input),
    },
    /** People-based loop analytics read from rollups (see docs/concepts/analytics.md), and the raw event log. */
    analytics: {
      ...analytics,
      events: (
        input: {
          after?: number
          types?: string[]
          customerId?: string
          orderId?: string
          limit?: number
        } = {},
      ) => listEvents(rt, input),
    },
    rewards: {
      list: (
        input: {
          sharerId?: string
          orderId?: string
          status?: 'held' | 'released' | 'clawed_back'
          limit?: number
        } = {},
      ) => listRewards(rt, input),
    },
    /** Runs the plugins' periodic work once (e.g. releasing held rewards), each hook under the adapter deadline. `start()` runs it on its own schedule. */
    tick: () => runTickHooks(rt),
    /**
     * Re-runs work a crash or a failing write cut short after a committed change (the `orderPaid`
     * after-hooks of paid orders). Safe to call any time; call it at start-up.
     */
    recover: (input: { since?: number } = {}) =>
      recoverHooks(rt, defined(parseInput(sinceInput, input, 'loop'))),
    /**
     * Runs the background work until `stop()`: the dispatcher, order expiry, refund reconciliation,
     * the plugins' `tick` hooks, the analytics fold and scheduled campaigns, each as its own loop on its own schedule
     * (`background` options; `intervalMs` sets them all). Committed outbox rows wake the dispatcher
     * at once. Call `recover()` yourself at start-up.
     */
    start(input: { intervalMs?: number } = {}) {
      parseInput(startInput, input, 'loop')
      if (background?.running) return
      const o = options.background ?? {}
      const every = {
        dispatchMs: positive(input.intervalMs ?? o.dispatchIntervalMs, 1000),
        expiryMs: positive(input.intervalMs ?? o.expiryIntervalMs, 1000),
        refundsMs: positive(input.intervalMs ?? o.refundIntervalMs, 1000),
        analyticsMs: positive(input.intervalMs ?? o.analyticsIntervalMs, 1000),
        tickMs: positive(input.intervalMs ?? o.tickIntervalMs, 1000),
        campaignsMs: positive(input.intervalMs ?? o.campaignIntervalMs, 1000),
      }
      const bg = createBackground({
        loops: backgroundLoops(rt, every),
        stopTimeoutMs: positive(o.stopTimeoutMs, 10_000),
        reportError: rt.reportError,
      })
      background = bg
      unsubscribe = rt.onOutbox(() => bg.wake('dispatch'))
      bg.start()
    },
    /** Stops the background work; resolves once passes in flight end, or after `background.stopTimeoutMs` at most. */
    async stop() {
      unsubscribe?.()
      unsubscribe = null
      await background?.stop()
    },
    async close() {
      await loop.stop()
      await rt.storage.close?.()
    },
  }
  return loop
}

/** The loop object returned by {@link createLoop}. */
export type Loop = ReturnType<typeof createLoop>
export type { Customer }
