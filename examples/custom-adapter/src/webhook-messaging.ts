import {
  type Customer,
  type LoopIssue,
  loopError,
  type MessagingAdapter,
  type RenderedMessage,
  requiredOptionError,
  type SendInput,
} from '@loopkit/core'
import ky, { HTTPError, type KyInstance, TimeoutError } from 'ky'
import { classifyAnswer } from './classify.js'
import { SIGNATURE_HEADER, signBody } from './signature.js'

/** Options of {@link webhookMessaging}. */
export interface WebhookMessagingOptions {
  /** The endpoint that receives each message as a JSON POST. Treated as a secret: never logged. */
  url: string
  /** Signs every request (HMAC-SHA256 over timestamp and body) so the receiver can trust it. At least 32 characters. */
  secret: string
  /** The channel name outbox rows are addressed to; default `webhook`. */
  id?: string
  /**
   * The customer's address on the receiving side, or null when they have none (then the channel
   * cannot reach them). Default: their first identity, as `provider:subject`.
   */
  address?: (customer: Customer) => string | null
  /** Attempts per send, the first included, for timeouts, network errors, 408/425/429 and 5xx; default 3. */
  attempts?: number
  /** Delay before the first in-call retry, doubling after; default 300 ms. */
  retryDelayMs?: number
  /** Per-attempt timeout; default 5000 ms. */
  timeoutMs?: number
  fetch?: typeof globalThis.fetch
  /** The clock the signature timestamps use; default `Date.now`. */
  now?: () => number
}

/** The JSON body every request carries. */
export interface WebhookMessage {
  /** The outbox dedupe key, also sent as `Idempotency-Key`: the same key is the same message. */
  id: string
  customerId: string
  to: string
  topic: string
  title: string
  body: string
  url: string | null
  fields: Record<string, string>
}

const TITLE_MAX = 200
const BODY_MAX = 4000

/** What is wrong with a message for this channel; empty when it can be sent. */
function problems(message: RenderedMessage): LoopIssue[] {
  const issues: LoopIssue[] = []
  if (!message.title.trim()) issues.push({ path: ['title'], message: 'must not be empty' })
  if ([...message.title].length > TITLE_MAX)
    issues.push({ path: ['title'], message: `must be at most ${TITLE_MAX} characters` })
  if ([...message.body].length > BODY_MAX)
    issues.push({ path: ['body'], message: `must be at most ${BODY_MAX} characters` })
  if (message.url !== undefined && !/^https?:\/\/\S+$/.test(message.url)) {
    issues.push({ path: ['url'], message: 'must be an absolute http(s) URL' })
  }
  return issues
}

function check(message: RenderedMessage): void {
  const issues = problems(message)
  if (issues.length === 0) return
  const first = issues[0]!
  throw loopError('webhook-messaging', 'message_invalid', `\`${first.path.join('.')}\` ${first.message}.`, {
    issues,
  })
}

const defaultAddress = (customer: Customer): string | null => {
  const identity = customer.identities[0]
  return identity ? `${identity.provider}:${identity.subject}` : null
}

/**
 * A messaging channel that POSTs every notification as signed JSON to an HTTP endpoint you run — a
 * bridge to SMS, e-mail, Slack or an app push service. A send is one request with an
 * `Idempotency-Key` (the outbox dedupe key), so short in-call retries are safe; what remains after
 * them goes back to the loop as a retryable or permanent `LoopError` (see `classifyAnswer`).
 *
 * @example
 * ```ts
 * import { createLoop } from '@loopkit/core'
 * import { sandboxIdentity, sandboxPayments } from '@loopkit/core/dev'
 * import { webhookMessaging } from '@loopkit/example-custom-adapter'
 *
 * const loop = createLoop({
 *   secret: process.env.LOOP_SECRET!,
 *   baseUrl: 'https://shop.example/loop',
 *   payments: [sandboxPayments()], // an https loop names its adapters
 *   identity: [sandboxIdentity()],
 *   messaging: [webhookMessaging({ url: process.env.NOTIFY_URL!, secret: process.env.NOTIFY_SECRET! })],
 * })
 * ```
 */
export function webhookMessaging(options: WebhookMessagingOptions): MessagingAdapter {
  if (!options?.url) throw requiredOptionError('webhook-messaging', 'url')
  if (!options.secret) throw requiredOptionError('webhook-messaging', 'secret')
  if (!/^https?:\/\//.test(options.url)) {
    throw loopError('webhook-messaging', 'configuration', 'Option `url` must be an absolute http(s) URL.')
  }
  if (options.secret.length < 32) {
    throw loopError('webhook-messaging', 'configuration', 'Option `secret` must be at least 32 characters.')
  }
  const { url, secret } = options
  const now = options.now ?? Date.now
  const address = options.address ?? defaultAddress
  const retryDelayMs = options.retryDelayMs ?? 300
  const client: KyInstance = ky.create({
    timeout: options.timeoutMs ?? 5000,
    retry: {
      limit: Math.max(0, (options.attempts ?? 3) - 1),
      // POST is retried only because every attempt carries the same Idempotency-Key.
      methods: ['post'],
      statusCodes: [408, 425, 429, 500, 502, 503, 504],
      afterStatusCodes: [429, 503],
      maxRetryAfter: 10_000,
      delay: (attempt) => retryDelayMs * 2 ** (attempt - 1),
      retryOnTimeout: true,
    },
    hooks: {
      // A fresh timestamp per attempt: a retry must not arrive with an old signature.
      beforeRetry: [
        async ({ request }) => {
          request.headers.set(
            SIGNATURE_HEADER,
            signBody({ body: await request.clone().text(), secret, at: now() }),
          )
        },
      ],
    },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  })

  async function post(message: WebhookMessage): Promise<Response> {
    const body = JSON.stringify(message)
    try {
      return await client.post(url, {
        body,
        headers: {
          'content-type': 'application/json',
          'idempotency-key': message.id,
          [SIGNATURE_HEADER]: signBody({ body, secret, at: now() }),
        },
      })
    } catch (error) {
      if (error instanceof HTTPError) throw classifyAnswer({ status: error.response.status })
      if (error instanceof TimeoutError) throw classifyAnswer({ failure: 'timeout' })
      throw classifyAnswer({ failure: 'network' })
    }
  }

  return {
    id: options.id ?? 'webhook',
    canReach: ({ customer }) => address(customer) !== null,
    validate: ({ message }) => check(message),
    async send({ customer, message, dedupeKey }: SendInput) {
      const to = address(customer)
      if (to === null) {
        throw loopError('webhook-messaging', 'not_found', 'The customer has no address on this channel.')
      }
      check(message)
      const response = await post({
        id: dedupeKey,
        customerId: customer.id,
        to,
        topic: message.topic,
        title: message.title,
        body: message.body,
        url: message.url ?? null,
        fields: message.fields,
      })
      // The receiver may name its own message id: `{ "id": "…" }`. Anything else is fine too.
      const answer = (await response.json().catch(() => null)) as { id?: unknown } | null
      return { providerMessageId: typeof answer?.id === 'string' ? answer.id : null }
    },
  }
}
