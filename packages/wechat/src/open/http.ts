import { loopError } from '@loopkit/core'
import ky, { type KyInstance } from 'ky'
import { wechatError } from './errors.js'

/** The host of the open-platform APIs (login, tokens, messages). */
export const WECHAT_API_BASE = 'https://api.weixin.qq.com'

/** The `fetch` the open-platform adapters call (injectable for tests). */
export type FetchLike = (input: Request | URL | string, init?: RequestInit) => Promise<Response>

export interface WechatHttpOptions {
  baseUrl?: string | undefined
  fetch?: FetchLike | undefined
  timeoutMs?: number | undefined
  /** Values to redact from any error message (the app secret). */
  secrets?: ReadonlyArray<string>
}

/**
 * One call to an `api.weixin.qq.com` API.
 * @inline
 */
export interface WechatCall {
  method?: 'GET' | 'POST'
  /** API path without a leading slash: `sns/jscode2session`. */
  path: string
  query?: Record<string, string>
  json?: unknown
  /** Extra values to redact for this call (the access token in its query). */
  secrets?: ReadonlyArray<string>
  /** Errcodes that are answers, not failures: the body is returned (mass send's 45065 carries `msg_id`). */
  accept?: ReadonlyArray<number>
}

/** A JSON client for `api.weixin.qq.com` answers: `{ errcode, errmsg }` on failure, HTTP 200 either way. */
export interface WechatHttp {
  call<T extends object>(input: WechatCall): Promise<T>
}

/**
 * No automatic retries: codes are single-use, `cgi-bin/token` rotates and message sends are not
 * idempotent, so a retry after a lost answer could do harm. Failures say whether a retry is safe
 * (`retryable`) and the caller (dispatcher, `withAccessToken`) decides. Errors never contain the
 * request URL, whose query carries the secret or the access token.
 */
export function wechatHttp(options: WechatHttpOptions): WechatHttp {
  const client: KyInstance = ky.create({
    prefixUrl: (options.baseUrl ?? WECHAT_API_BASE).replace(/\/+$/, ''),
    timeout: options.timeoutMs ?? 10_000,
    retry: 0,
    throwHttpErrors: false,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  })
  return {
    async call<T extends object>(input: WechatCall): Promise<T> {
      const secrets = [...(options.secrets ?? []), ...(input.secrets ?? [])]
      let response: Response
      try {
        response = await client(input.path, {
          method: input.method ?? 'GET',
          searchParams: input.query ?? {},
          ...(input.json === undefined ? {} : { json: input.json }),
        })
      } catch (error) {
        // ky's TimeoutError message and fetch's cause both embed the URL: keep only the kind.
        const kind = error instanceof Error ? error.name : 'Error'
        throw loopError(
          'wechat',
          'provider_unavailable',
          `${input.path} failed: ${kind} (no answer from WeChat).`,
          { retryable: true },
        )
      }
      if (!response.ok) {
        const retryable = response.status >= 500 || response.status === 429
        throw loopError(
          'wechat',
          retryable ? 'provider_unavailable' : 'provider_error',
          `${input.path} failed: HTTP ${response.status}.`,
          { retryable },
        )
      }
      let body: unknown
      try {
        body = await response.json()
      } catch {
        throw loopError('wechat', 'provider_error', `${input.path} failed: the answer is not JSON.`, {
          retryable: true,
        })
      }
      if (typeof body !== 'object' || body === null) {
        throw loopError(
          'wechat',
          'provider_error',
          `${input.path} failed: the answer is not a JSON object.`,
          { retryable: true },
        )
      }
      const { errcode, errmsg } = body as { errcode?: unknown; errmsg?: unknown }
      if (typeof errcode === 'number' && errcode !== 0 && !input.accept?.includes(errcode)) {
        throw wechatError({
          errcode,
          errmsg: typeof errmsg === 'string' ? errmsg : '',
          operation: input.path,
          secrets,
        })
      }
      return body as T
    },
  }
}
