import { layoutPage } from '../_internal/html-page.js'
import { newId } from '../_internal/ids.js'
import { deriveKey } from '../_internal/sign.js'
import type { IdentityAdapter } from '../contracts/identity.js'
import type { MessagingAdapter, MessagingLimits } from '../contracts/messaging.js'
import type { PaymentAdapter } from '../contracts/payment.js'
import type { LoopContext, LoopPlugin } from '../contracts/plugin.js'
import type { Effects, StorageAdapter } from '../contracts/storage.js'
import type { NewEvent } from '../domain/event.js'
import { loopError } from '../errors.js'
import { outboxFor } from '../flows/outbox.js'
import { resolvePolicy } from '../flows/policy/resolve.js'
import type { NotificationPolicy } from '../flows/policy/types.js'
import { scanShare } from '../flows/share-scan.js'
import { describeOptionValue } from '../security/option-value.js'
import { type RateLimits, resolveRateLimits } from '../security/rate-limit/limits.js'
import { defaultTemplates } from './default-templates.js'
import { createEmitter, type LoopEmitter, type LoopEventData, type LoopEventType } from './events.js'
import { checkLoopOptions } from './option-schema.js'
import type { LoopOptions, NotificationTemplate, NotificationTopic } from './options.js'

/** Everything the flows share: resolved options, adapters by id, keys, clock, emitter. */
export interface Runtime {
  storage: StorageAdapter
  payments: Map<string, PaymentAdapter>
  identity: Map<string, IdentityAdapter>
  messaging: MessagingAdapter[]
  plugins: LoopPlugin[]
  keys: { session: string; share: string; login: string; campaign: string }
  baseUrl: URL
  basePath: string
  now(): number
  context: LoopContext
  emitter: LoopEmitter
  templates: Record<NotificationTopic, NotificationTemplate>
  /** The rate limits of the HTTP routes; null when off. */
  limits: RateLimits | null
  config: {
    orderTtlMs: number
    maxQuantity: number
    attributionWindowMs: number
    sessionMaxAgeMs: number
    secureCookies: boolean
    maxAttempts: number
    backoff: { baseMs: number; maxMs: number }
    /** Deadline of every adapter call made by background work. */
    adapterTimeoutMs: number
    dispatch: { batchSize: number; leaseMs: number; limits: (channel: MessagingAdapter) => MessagingLimits }
    /** Origins a checkout `returnUrl` may point at, besides `baseUrl`'s. */
    allowedRedirectOrigins: ReadonlySet<string>
    /** The notification policy (validated). */
    policy: NotificationPolicy
  }
  options: LoopOptions
  /** An event for the log, stamped with the clock. */
  event<K extends LoopEventType>(
    type: K,
    data: LoopEventData[K],
    refs?: { customerId?: string | null; orderId?: string | null },
  ): NewEvent
  /** Emits the events of a committed change to listeners; committed outbox rows wake the dispatcher. */
  published(effects: Effects | undefined): void
  /** Calls `listener` whenever a committed change of this process wrote outbox rows. Returns the unsubscribe. */
  onOutbox(listener: () => void): () => void
  /** Wakes the dispatcher after a committed step wrote outbox rows the runtime did not build (a set-based fan-out). */
  wake(): void
  reportError(error: unknown, where: string): void
}

function byId<T extends { id: string }>(kind: string, list: T[]): Map<string, T> {
  const map = new Map<string, T>()
  for (const item of list) {
    if (map.has(item.id))
      throw loopError('loop', 'configuration', `Two ${kind} adapters share the id \`${item.id}\`.`)
    map.set(item.id, item)
  }
  return map
}

function redirectOrigins(list: string[] | undefined): ReadonlySet<string> {
  const out = new Set<string>()
  for (const entry of list ?? []) {
    let url: URL | null = null
    try {
      url = new URL(entry)
    } catch {}
    // An origin only: a path or query here would suggest a prefix match the loop does not do.
    if (
      !url ||
      (url.protocol !== 'https:' && url.protocol !== 'http:') ||
      url.origin !== entry.replace(/\/$/, '').toLowerCase()
    ) {
      throw loopError(
        'loop',
        'configuration',
        `Option \`allowedRedirectOrigins\` takes origins like \`https://shop.example\`, got \`${entry}\`.`,
      )
    }
    out.add(url.origin)
  }
  return out
}

export function createRuntime(
  options: LoopOptions,
  handle: (request: Request) => Promise<Response>,
): Runtime {
  checkLoopOptions(options)
  let baseUrl: URL
  try {
    baseUrl = new URL(options.baseUrl)
  } catch (cause) {
    throw loopError(
      'loop',
      'configuration',
      `Option \`baseUrl\` is not a URL: ${describeOptionValue(options.baseUrl)}.`,
      { cause },
    )
  }
  const basePath = baseUrl.pathname.replace(/\/+$/, '')
  const now = options.now ?? Date.now
  const storage = options.storage
  const onError =
    options.onError ??
    ((error: unknown, where: string) => console.error(`[loopkit] error in ${where}:`, error))
  // Limits are read lazily by the dispatcher; check them here so a typo fails at createLoop.
  for (const limits of [
    ...(options.messaging ?? []).map((m) => m.limits),
    ...Object.values(options.notifications?.channels ?? {}),
  ]) {
    positive(limits?.concurrency, 1)
    positive(limits?.perMinute, 1)
  }
  positive(options.notifications?.concurrency, 1)
  const outboxListeners = new Set<() => void>()
  const rt: Runtime = {
    storage,
    payments: byId('payment', options.payments ?? []),
    identity: byId('identity', options.identity ?? []),
    messaging: [...byId('messaging', options.messaging ?? []).values()],
    plugins: options.plugins ?? [],
    keys: {
      session: deriveKey(options.secret, 'session'),
      share: deriveKey(options.secret, 'share'),
      login: deriveKey(options.secret, 'login'),
      campaign: deriveKey(options.secret, 'campaign'),
    },
    baseUrl,
    basePath,
    now,
    context: {
      storage,
      now,
      newId,
      handle,
      event: (type, data, refs) => rt.event(type as LoopEventType, data as never, refs),
      publish: (events) => rt.published({ events }),
      page: (input) => layoutPage(options.pages?.layout, input),
      outbox: ({ topic, ref, ...input }) => outboxFor(rt, topic, ref, input),
      visitShare: (input) => scanShare(rt, input),
    },
    emitter: createEmitter((error, event) => onError(error, `listener for ${event.type}`)),
    templates: { ...defaultTemplates, ...options.notifications?.templates } as Record<
      NotificationTopic,
      NotificationTemplate
    >,
    limits: resolveRateLimits(options.rateLimits, storage),
    config: {
      orderTtlMs: options.orders?.ttlMs ?? 30 * 60_000,
      maxQuantity: options.orders?.maxQuantity ?? 999,
      attributionWindowMs: options.attribution?.windowMs ?? 7 * 24 * 3_600_000,
      sessionMaxAgeMs: options.session?.maxAgeMs ?? 30 * 24 * 3_600_000,
      secureCookies: options.session?.secureCookies ?? baseUrl.protocol === 'https:',
      maxAttempts: options.notifications?.maxAttempts ?? 8,
      backoff: options.notifications?.backoff ?? { baseMs: 5_000, maxMs: 3_600_000 },
      adapterTimeoutMs: positive(options.background?.adapterTimeoutMs, 5_000),
      dispatch: {
        batchSize: positive(options.notifications?.batchSize, 512),
        leaseMs: positive(options.notifications?.leaseMs, 60_000),
        limits: (channel) => ({
          concurrency: positive(options.notifications?.concurrency, 64),
          ...channel.limits,
          ...options.notifications?.channels?.[channel.id],
        }),
      },
      allowedRedirectOrigins: redirectOrigins(options.allowedRedirectOrigins),
      policy: resolvePolicy(options.policy, options.messaging?.map((m) => m.id) ?? []),
    },
    options,
    event(type, data, refs = {}) {
      // The log stores plain records; the type map above is what keeps emitters honest.
      return {
        id: newId('evt'),
        type,
        at: now(),
        customerId: refs.customerId ?? null,
        orderId: refs.orderId ?? null,
        data,
      }
    },
    published(effects) {
      if (effects?.events?.length) rt.emitter.emit(effects.events)
      if (effects?.outbox?.length) for (const listener of outboxListeners) listener()
    },
    wake() {
      for (const listener of outboxListeners) listener()
    },
    onOutbox(listener) {
      outboxListeners.add(listener)
      return () => outboxListeners.delete(listener)
    },
    reportError: onError,
  }
  return rt
}

/** A positive finite option, or its default; anything else is a configuration error. */
export function positive(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value <= 0)
    throw loopError(
      'loop',
      'configuration',
      `A duration or size option must be a positive number, got ${value}.`,
    )
  return value
}

/** The absolute URL of a loop route. */
export function routeUrl(rt: Runtime, path: string): string {
  return `${rt.baseUrl.origin}${rt.basePath}${path}`
}
