import { loopError } from '../errors.js'

/**
 * Races a provider call against a deadline, so background work never hangs on a vendor that
 * stopped answering. On timeout the call is abandoned (its result ignored) and a retryable
 * `provider_unavailable` is thrown; the work it stood for is idempotent and retried later.
 */
export async function withDeadline<T>(call: () => Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          loopError('loop', 'provider_unavailable', `${what} took longer than ${ms} ms.`, {
            retryable: true,
          }),
        ),
      ms,
    )
  })
  try {
    return await Promise.race([call(), deadline])
  } finally {
    clearTimeout(timer)
  }
}
