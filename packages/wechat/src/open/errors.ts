import { type LoopError, type LoopErrorCode, loopError } from '@loopkit/core'

/** The errcodes that mean "this access token is no longer good": refresh once and retry. */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001])

interface Mapping {
  code: LoopErrorCode
  retryable: boolean
}

// One table for every errcode the open-platform APIs (login, tokens, messages, tickets) return.
// Codes not listed become a non-retryable `provider_error`: an unknown answer is not a reason to
// hammer WeChat, and the vendor's code stays available as `providerCode`.
const table: Record<number, Mapping> = {
  [-1]: { code: 'provider_unavailable', retryable: true }, // system error, busy
  40001: { code: 'provider_error', retryable: true }, // access_token invalid or not latest
  40014: { code: 'provider_error', retryable: true }, // invalid access_token
  42001: { code: 'provider_error', retryable: true }, // access_token expired
  40029: { code: 'unauthorized', retryable: false }, // invalid or expired code
  40163: { code: 'unauthorized', retryable: false }, // code been used
  42003: { code: 'unauthorized', retryable: false }, // oauth_code timeout
  40030: { code: 'unauthorized', retryable: false }, // invalid refresh_token
  42002: { code: 'unauthorized', retryable: false }, // refresh_token timeout
  40013: { code: 'configuration', retryable: false }, // invalid appid
  40125: { code: 'configuration', retryable: false }, // invalid appsecret
  40164: { code: 'configuration', retryable: false }, // caller IP not in whitelist
  41002: { code: 'configuration', retryable: false }, // appid missing
  41004: { code: 'configuration', retryable: false }, // secret missing
  40037: { code: 'configuration', retryable: false }, // invalid template_id
  41030: { code: 'configuration', retryable: false }, // invalid page
  48001: { code: 'configuration', retryable: false }, // api unauthorized (scope, account type)
  40003: { code: 'not_found', retryable: false }, // invalid openid
  43101: { code: 'recipient_refused', retryable: false }, // user refused / one-time grant consumed
  43004: { code: 'forbidden', retryable: false }, // user does not follow the account
  45015: { code: 'forbidden', retryable: false }, // outside the 48 h window / subscription cancelled
  40226: { code: 'forbidden', retryable: false }, // high-risk user blocked
  50001: { code: 'forbidden', retryable: false }, // user unauthorized
  50002: { code: 'forbidden', retryable: false }, // user limited
  47003: { code: 'message_invalid', retryable: false }, // template argument invalid
  45009: { code: 'rate_limited', retryable: true }, // daily quota
  45011: { code: 'rate_limited', retryable: true }, // minute quota
  43117: { code: 'rate_limited', retryable: true }, // too frequent for this openid
}

/** Replaces every occurrence of the given secrets (app secret, tokens, session keys) with `***`. */
export function redact(text: string, secrets: ReadonlyArray<string | null | undefined>): string {
  let out = text
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***')
  return out
}

/**
 * Maps a WeChat errcode answer to a {@link @loopkit/core!index.LoopError} — the one place vendor codes become ours.
 * The vendor's `errmsg` is kept (it names the bad field for 47003) with any secret redacted;
 * `providerCode` carries the errcode so callers and `withAccessToken` can branch on it.
 *
 * @example
 * ```ts
 * const body = await res.json()
 * if (body.errcode) throw wechatError({ errcode: body.errcode, errmsg: body.errmsg, operation: 'cgi-bin/user/info' })
 * ```
 */
export function wechatError(input: {
  errcode: number
  errmsg?: string | undefined
  /** The API path that answered, e.g. `sns/jscode2session` (never a URL with its query). */
  operation: string
  /** Values that must not appear in the message even if WeChat echoes them. */
  secrets?: ReadonlyArray<string | null | undefined>
}): LoopError {
  const mapped = table[input.errcode] ?? { code: 'provider_error', retryable: false }
  const errmsg = redact(String(input.errmsg ?? '').slice(0, 300), input.secrets ?? [])
  return loopError(
    'wechat',
    mapped.code,
    `${`${input.operation} failed: ${input.errcode} ${errmsg}`.trim()}.`,
    {
      retryable: mapped.retryable,
      providerCode: String(input.errcode),
    },
  )
}
