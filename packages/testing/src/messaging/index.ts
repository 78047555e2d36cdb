import { type Customer, isLoopError, type MessagingAdapter, type RenderedMessage } from '@loopkit/core'
import { describe, expect, it } from 'vitest'
import { useHarness } from '../_internal/harness.js'

/** What one test of {@link testMessagingAdapter} works with. */
export interface MessagingHarness {
  adapter: MessagingAdapter
  /** A customer the channel can reach, with whatever consent it needs for a few sends. */
  customer: Customer
  /** A message the channel carries for that customer. */
  message: RenderedMessage
  /** What the channel delivered so far, oldest first. */
  inbox(): Promise<unknown[]>
  /** A message breaking the channel's own format rules, if it has any. */
  invalidMessage?: RenderedMessage
  /**
   * True when the channel itself drops a repeated `dedupeKey` (WeChat `client_msg_id`). Default:
   * the adapter's own `dedupes`; a harness may set it for a channel that dedupes without saying so.
   */
  dedupes?: boolean
}

/** Options of {@link testMessagingAdapter}. */
export interface TestMessagingAdapterOptions {
  /** Shown in the `describe` title. */
  name: string
  /** Called before every test. */
  setup: () => Promise<MessagingHarness>
  /** Called after every test. */
  teardown?: () => Promise<void>
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (e: unknown) => e,
  )
}

let seq = 0
const key = () => `contract:${Date.now()}:${++seq}`

/**
 * The contract every `MessagingAdapter` meets: it reaches the customers it says it can, one send
 * delivers one message, unreachable customers and invalid messages fail with a non-retryable
 * `LoopError` (an invalid one already in `validate`, before anything is queued).
 *
 * @example
 * ```ts
 * testMessagingAdapter({
 *   name: 'my-sms',
 *   setup: async () => ({ adapter: mySms({ gateway }), customer, message, inbox: async () => gateway.sent }),
 * })
 * ```
 */
export function testMessagingAdapter(options: TestMessagingAdapterOptions): void {
  describe(`messaging adapter contract: ${options.name}`, () => {
    const h = useHarness<MessagingHarness>(options)

    it('has a non-empty channel id', () => {
      expect(h().adapter.id).toMatch(/^\S+$/)
    })

    it('reaches the harness customer and not a customer without identities', () => {
      expect(h().adapter.canReach({ customer: h().customer })).toBe(true)
      expect(h().adapter.canReach({ customer: { ...h().customer, identities: [] } })).toBe(false)
    })

    it('accepts the harness message in validate and names a consent topic or none', () => {
      expect(() => h().adapter.validate?.({ message: h().message })).not.toThrow()
      const consent = h().adapter.consentFor?.({ message: h().message }) ?? null
      if (consent !== null) expect(consent.topic.length).toBeGreaterThan(0)
    })

    it('delivers one message per send', async () => {
      const before = (await h().inbox()).length
      const result = await h().adapter.send({
        customer: h().customer,
        message: h().message,
        dedupeKey: key(),
      })
      expect(result.providerMessageId === null || typeof result.providerMessageId === 'string').toBe(true)
      expect((await h().inbox()).length).toBe(before + 1)
      await h().adapter.send({ customer: h().customer, message: h().message, dedupeKey: key() })
      expect((await h().inbox()).length).toBe(before + 2)
    })

    it('declares `dedupes` only as a boolean', () => {
      const { dedupes } = h().adapter
      expect(dedupes === undefined || typeof dedupes === 'boolean').toBe(true)
    })

    it('does not deliver a repeated dedupe key twice when the channel dedupes', async (ctx) => {
      if (!(h().adapter.dedupes ?? h().dedupes))
        return ctx.skip('the channel does not declare `dedupes`: repeats after a crash reach the customer')
      const before = (await h().inbox()).length
      const dedupeKey = key()
      const first = await h().adapter.send({ customer: h().customer, message: h().message, dedupeKey })
      const again = await h().adapter.send({ customer: h().customer, message: h().message, dedupeKey })
      expect((await h().inbox()).length).toBe(before + 1)
      // The repeat is answered like the first send, so the outbox records the same message id.
      expect(again.providerMessageId).toBe(first.providerMessageId)
      const other = await h().adapter.send({ customer: h().customer, message: h().message, dedupeKey: key() })
      expect((await h().inbox()).length).toBe(before + 2)
      expect(other.providerMessageId === null || other.providerMessageId !== first.providerMessageId).toBe(
        true,
      )
    })

    it('fails a send to an unreachable customer with a non-retryable LoopError', async () => {
      const before = (await h().inbox()).length
      const error = await rejection(
        h().adapter.send({
          customer: { ...h().customer, identities: [] },
          message: h().message,
          dedupeKey: key(),
        }),
      )
      expect(isLoopError(error)).toBe(true)
      expect((error as { retryable: boolean }).retryable).toBe(false)
      expect((await h().inbox()).length).toBe(before)
    })

    it('refuses an invalid message in validate and in send, delivering nothing', async (ctx) => {
      const invalid = h().invalidMessage
      if (!invalid) return ctx.skip('the channel has no format rules (no invalidMessage in the harness)')
      let thrown: unknown = null
      try {
        h().adapter.validate?.({ message: invalid })
      } catch (e) {
        thrown = e
      }
      if (h().adapter.validate) {
        expect(isLoopError(thrown)).toBe(true)
        expect((thrown as { code: string }).code).toBe('message_invalid')
      }
      const before = (await h().inbox()).length
      const error = await rejection(
        h().adapter.send({ customer: h().customer, message: invalid, dedupeKey: key() }),
      )
      expect(isLoopError(error)).toBe(true)
      expect((error as { code: string }).code).toBe('message_invalid')
      expect((error as { retryable: boolean }).retryable).toBe(false)
      expect((await h().inbox()).length).toBe(before)
    })
  })
}
