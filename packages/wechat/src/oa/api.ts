import { isLoopError, type LoopError, loopError } from '@loopkit/core'
import type { WechatAccessToken } from '../open/access-token.js'

// Official-account errcodes whose meaning the shared open-platform table does not carry: the
// customer-service window, mass-send quota and tag limits. Everything else goes through it.
const OA_CODES: Record<number, { code: LoopError['code']; retryable: boolean }> = {
  45015: { code: 'window_closed', retryable: false }, // outside the 48 h window or unfollowed
  45047: { code: 'window_closed', retryable: false }, // the window's allowance is spent
  45028: { code: 'quota_exceeded', retryable: false }, // no mass-send quota until the next day/month
  45029: { code: 'quota_exceeded', retryable: false }, // permanent QR codes exhausted
  45056: { code: 'limit_exceeded', retryable: false }, // 100 tags
  45059: { code: 'limit_exceeded', retryable: false }, // 20 tags per user
  40032: { code: 'invalid_input', retryable: false }, // openid list size
  40130: { code: 'invalid_input', retryable: false }, // mass send needs ≥ 2 openids
  45066: { code: 'rate_limited', retryable: true }, // same clientmsgid within a minute
  45157: { code: 'conflict', retryable: false }, // tag name taken or illegal
  45158: { code: 'invalid_input', retryable: false }, // tag name too long
  45159: { code: 'not_found', retryable: false }, // tag id unknown
  43004: { code: 'forbidden', retryable: false }, // not following
}

/**
 * One official-account API call with the account's access token; errcodes become
 * {@link @loopkit/core!index.LoopError}s with OA-specific codes (`window_closed`, `quota_exceeded`, …),
 * the errcode kept as `providerCode`. `accept` lists errcodes that are answers, not failures
 * (`45065`: the clientmsgid already sent — the body carries the existing `msg_id`).
 *
 * @example
 * ```ts
 * const info = await oaCall<{ subscribe: number }>({ tokens, path: 'cgi-bin/user/info', query: { openid } })
 * ```
 */
export async function oaCall<T extends object>(input: {
  tokens: WechatAccessToken
  path: string
  json?: unknown
  query?: Record<string, string>
  accept?: number[]
}): Promise<T & { errcode?: number }> {
  try {
    return await input.tokens.call<T>({
      method: input.json === undefined ? 'GET' : 'POST',
      path: input.path,
      ...(input.query ? { query: input.query } : {}),
      ...(input.json === undefined ? {} : { json: input.json }),
      ...(input.accept ? { accept: input.accept } : {}),
    })
  } catch (error) {
    if (!isLoopError(error) || !error.providerCode) throw error
    const errcode = Number(error.providerCode)
    const mapped = OA_CODES[errcode]
    if (!mapped) throw error
    throw loopError('wechat', mapped.code, error.message.replace(/^\[loopkit\] \[wechat\] /, ''), {
      retryable: mapped.retryable,
      providerCode: String(errcode),
      cause: error,
    })
  }
}
