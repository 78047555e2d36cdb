import { type LoopError, loopError } from '@loopkit/core'

/**
 * The one place where the receiver's answers become `LoopError`s — and where each failure is
 * classified. `retryable: true` tells the loop's dispatcher to back off and try again later;
 * `retryable: false` dead-letters the notification at once, because sending it again cannot help.
 *
 * | answer                     | code                   | retryable | why                                   |
 * | -------------------------- | ---------------------- | --------- | ------------------------------------- |
 * | 400, 422                   | `message_invalid`      | no        | the same message fails the same way   |
 * | 401, 403                   | `configuration`        | no        | wrong secret: fix the config          |
 * | 404                        | `configuration`        | no        | wrong URL                             |
 * | 410                        | `recipient_refused`    | no        | unsubscribed; the loop revokes consent |
 * | 408, 425, 429              | `rate_limited`         | yes       | try again later                       |
 * | 5xx, timeout, network      | `provider_unavailable` | yes       | the receiver is down or slow          |
 * | any other status           | `provider_error`       | no        | unknown: don't hammer the receiver    |
 *
 * The message names the status only: never the URL (webhook URLs often embed a token) or the body.
 *
 * @example
 * ```ts
 * throw classifyAnswer({ status: 503 }) // provider_unavailable, retryable
 * ```
 */
export function classifyAnswer(input: { status: number } | { failure: 'timeout' | 'network' }): LoopError {
  if ('failure' in input) {
    const what = input.failure === 'timeout' ? 'did not answer in time' : 'could not be reached'
    return loopError('webhook-messaging', 'provider_unavailable', `The endpoint ${what}.`, {
      retryable: true,
    })
  }
  const { status } = input
  const said = `The endpoint answered ${status}`
  if (status === 400 || status === 422) {
    return loopError('webhook-messaging', 'message_invalid', `${said}: it refused the message.`, {
      providerCode: String(status),
    })
  }
  if (status === 401 || status === 403 || status === 404) {
    return loopError('webhook-messaging', 'configuration', `${said}: check \`url\` and \`secret\`.`, {
      providerCode: String(status),
    })
  }
  if (status === 410) {
    return loopError(
      'webhook-messaging',
      'recipient_refused',
      `${said}: the recipient no longer accepts messages.`,
      {
        providerCode: '410',
      },
    )
  }
  if (status === 408 || status === 425 || status === 429) {
    return loopError('webhook-messaging', 'rate_limited', `${said}.`, {
      retryable: true,
      providerCode: String(status),
    })
  }
  if (status >= 500) {
    return loopError('webhook-messaging', 'provider_unavailable', `${said}.`, {
      retryable: true,
      providerCode: String(status),
    })
  }
  return loopError('webhook-messaging', 'provider_error', `${said}.`, { providerCode: String(status) })
}
