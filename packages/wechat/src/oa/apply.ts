import type { Customer, Effects, LoopContext, NewEvent } from '@loopkit/core'
import { massJobId } from './mass-send-channel.js'
import type { OfficialAccountPush } from './push.js'

/** How the adapter maps pushes onto loop state (from {@link wechatOfficialAccount}'s options). */
export interface ApplyConfig {
  /** The account's appid: it scopes the mass-send job ids campaigns record. */
  appid: string
  /** The identity provider whose subject is the openid (`wechatLogin`'s id, default `wechat`). */
  provider: string
  /** The webhook-inbox provider name the dedupe keys are recorded under. */
  inbox: string
  /** Subscription-notification template id → the consent it stands for. */
  subscriptions: Record<string, { topic: string; channel?: string }>
  /** Optional unionid lookup for a new follower (`cgi-bin/user/info`); null when unknown or failed. */
  unionIdOf?: (openid: string) => Promise<string | null>
}

/** What applying a push did. */
export type ApplyOutcome = { status: 'processed' | 'duplicate'; customerId: string | null }

const userActs = new Set<OfficialAccountPush['kind']>(['subscribe', 'scan', 'message', 'menu'])

async function customerFor(
  ctx: LoopContext,
  config: ApplyConfig,
  push: OfficialAccountPush,
): Promise<Customer | null> {
  const known = await ctx.storage.findCustomerByIdentity({ provider: config.provider, subject: push.openid })
  if (known || !userActs.has(push.kind)) return known
  // Only someone who follows can message, click or scan: an unknown sender is a follower from
  // before the integration, so they join the pool like a new follower does.
  const unionId = config.unionIdOf ? await config.unionIdOf(push.openid).catch(() => null) : null
  // With a unionid the openid may join an existing customer (the same person from the
  // mini-program): "created" is only known after the upsert, so its event is written after it.
  const result = await ctx.storage.upsertCustomer({
    id: ctx.newId('cus'),
    profile: { provider: config.provider, subject: push.openid, ...(unionId ? { unionId } : {}) },
    now: ctx.now(),
  })
  if (result.created) {
    const events = [
      ctx.event(
        'customer.created',
        { provider: config.provider, referredBy: null },
        { customerId: result.customer.id },
      ),
    ]
    await ctx.storage.appendEvents({ events })
    ctx.publish(events)
  }
  return result.customer
}

function eventsFor(
  ctx: LoopContext,
  config: ApplyConfig,
  push: OfficialAccountPush,
  customerId: string | null,
): NewEvent[] {
  const refs = { customerId }
  const openid = push.openid
  switch (push.kind) {
    case 'subscribe':
      return [ctx.event('wechat.followed', { openid, scene: push.scene }, refs)]
    case 'unsubscribe':
      return [ctx.event('wechat.unfollowed', { openid }, refs)]
    case 'scan':
      return [ctx.event('wechat.scanned', { openid, scene: push.scene }, refs)]
    case 'message':
      return [
        ctx.event('wechat.message_received', { openid, msgType: push.msgType, msgId: push.msgId }, refs),
      ]
    case 'menu':
      return [ctx.event('wechat.menu', { openid, event: push.event, key: push.key }, refs)]
    case 'template_finished':
      return [ctx.event('wechat.template_finished', { msgId: push.msgId, status: push.status })]
    case 'mass_finished': {
      const { msgId, status, totalCount, filterCount, sentCount, errorCount } = push
      return [
        ctx.event('wechat.mass_send_finished', {
          msgId,
          status,
          totalCount,
          filterCount,
          sentCount,
          errorCount,
        }),
      ]
    }
    case 'subscription':
      return push.items.map((item) =>
        ctx.event(
          'wechat.subscription',
          { openid, event: push.event, ...item, topic: config.subscriptions[item.templateId]?.topic ?? null },
          refs,
        ),
      )
    case 'other':
      return []
  }
}

/** The follow state and interaction time a push reports, or null when it reports neither. */
function activityOf(push: OfficialAccountPush): { followed?: boolean; interactedAt?: number } | null {
  const followed = push.kind === 'subscribe' ? true : push.kind === 'unsubscribe' ? false : undefined
  const interacted = userActs.has(push.kind)
  if (followed === undefined && !interacted) return null
  return {
    ...(followed === undefined ? {} : { followed }),
    ...(interacted ? { interactedAt: push.createTime * 1000 } : {}),
  }
}

/**
 * Applies one verified push to the loop. The webhook inbox is the gate: it records the dedupe key
 * with the loop events in one storage step, and only a first delivery changes anything — not even
 * a stale `subscribe` replayed after the `unsubscribe` that followed it changes the customer. A push
 * that changes a known customer's follow state or interaction time (follow, unfollow, scan,
 * message, menu) records that change in the same step as its dedupe key and events, so a crash
 * cannot keep one without the other: WeChat's retry then applies both. What follows a first
 * delivery (a share visit from a QR scene, a subscription choice) is a later step; a crash between
 * loses that one change, and `importFollowers` heals follow state.
 *
 * @example
 * ```ts
 * const outcome = await applyPush(context, config, push)
 * ```
 */
export async function applyPush(
  ctx: LoopContext,
  config: ApplyConfig,
  push: OfficialAccountPush,
): Promise<ApplyOutcome> {
  // Finding (or creating) the customer is idempotent: the same identity is the same customer.
  const customer = await customerFor(ctx, config, push)
  const customerId = customer?.id ?? null
  // Before the inbox: setting a job's final counts again changes nothing, so a crash right after
  // the inbox step cannot lose them.
  if (push.kind === 'mass_finished') await finishMassJob(ctx, config, push)
  const effects: Effects = { events: eventsFor(ctx, config, push, customerId) }
  const delivery = { provider: config.inbox, eventId: push.dedupeKey, receivedAt: ctx.now() }
  const activity = customer ? activityOf(push) : null
  const recorded =
    customer && activity
      ? await ctx.storage.recordActivity({
          customerId: customer.id,
          ...activity,
          now: ctx.now(),
          effects,
          delivery,
        })
      : null
  // A customer gone since it was found (null) is a push like any other.
  const first =
    recorded?.customer != null
      ? recorded.first !== false
      : (await ctx.storage.recordWebhook({ delivery, effects })).first
  if (!first) return { status: 'duplicate', customerId }
  ctx.publish(effects.events ?? [])
  if (customer) await afterFirst(ctx, config, push, customer)
  return { status: 'processed', customerId }
}

/** Puts a mass send's delivery report on the campaign job that sent it (none: a send outside campaigns). */
async function finishMassJob(
  ctx: LoopContext,
  config: ApplyConfig,
  push: Extract<OfficialAccountPush, { kind: 'mass_finished' }>,
): Promise<void> {
  await ctx.storage.finishBroadcastJob?.({
    jobId: massJobId(config.appid, push.msgId),
    outcome: {
      status: push.status,
      total: push.totalCount,
      filtered: push.filterCount,
      sent: push.sentCount,
      errors: push.errorCount,
    },
    now: ctx.now(),
  })
}

async function afterFirst(
  ctx: LoopContext,
  config: ApplyConfig,
  push: OfficialAccountPush,
  customer: Customer,
): Promise<void> {
  const scene = push.kind === 'scan' || push.kind === 'subscribe' ? push.scene : null
  // A share token is 28 characters of [0-9A-Za-z_-]; other scenes belong to the app.
  if (scene && /^[0-9A-Za-z_-]{28}$/.test(scene))
    await ctx.visitShare({ token: scene, customerId: customer.id })
  if (push.kind !== 'subscription' || push.event === 'sent') return
  for (const item of push.items) {
    const consent = config.subscriptions[item.templateId]
    if (!consent) continue
    const accepted = push.event === 'popup' && item.status === 'accept'
    const rejected = item.status === 'reject'
    if (!accepted && !rejected) continue
    await ctx.storage.changeConsent({
      customerId: customer.id,
      channel: consent.channel ?? 'wechat',
      topic: consent.topic,
      // One acceptance of a one-time subscription is one send.
      change: accepted ? { grant: 1 } : { revoke: true },
      now: ctx.now(),
    })
  }
}
