import { loopError } from '../errors.js'

/**
 * Settles like `promise`, or rejects with a retryable `LoopError` after `ms` — code `timeout`, or
 * `provider_unavailable` where the caller reports a vendor that stopped answering (refunds). The
 * late promise is not cancelled (JavaScript cannot), only no longer waited for: background work
 * moves on and a hung adapter can never hold a loop, a lease or `loop.stop()` hostage.
 *
 * @example
 * ```ts
 * const { providerMessageId } = await withDeadline(channel.send(input), 5_000, 'send on wechat')
 * // after 5 s: LoopError { code: 'timeout', retryable: true, message: '[loopkit] [deadline] send on wechat …' }
 * ```
 */
export function withDeadline<T>(
  promise: Promise<T> | T,
  ms: number,
  what: string,
  code: 'timeout' | 'provider_unavailable' = 'timeout',
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(loopError('deadline', code, `${what} did not finish within ${ms} ms.`, { retryable: true })),
      ms,
    )
  })
  // A rejection of the abandoned promise after the deadline must not surface as unhandled.
  const settled = Promise.resolve(promise)
  settled.catch(() => {})
  return Promise.race([settled, expired]).finally(() => clearTimeout(timer))
}

/**
 * Resolves after `ms`, or at once when `signal` aborts (never rejects): the pause between two
 * passes of a background loop, which `stop()` must be able to cut short.
 *
 * @example
 * ```ts
 * await sleep(1_000, controller.signal)
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}
