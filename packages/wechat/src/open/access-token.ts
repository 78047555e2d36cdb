import { isLoopError, requiredOptionError, type StorageAdapter } from '@loopkit/core'
import { parseAnswer } from '../_internal/parse-answer.js'
import { ticketAnswer, tokenAnswer } from './answers.js'
import { cachedValue, ttlFor } from './cached-value.js'
import { TOKEN_ERRCODES } from './errors.js'
import { type FetchLike, type WechatCall, wechatHttp } from './http.js'

/** Options of {@link wechatAccessToken}. */
export interface WechatAccessTokenOptions {
  appid: string
  secret: string
  /** The loop's storage: its cache is shared by every instance, so they share one token. */
  storage: StorageAdapter
  /** Default `https://api.weixin.qq.com`; point it at the simulator in tests. */
  baseUrl?: string
  fetch?: FetchLike
  now?: () => number
  /**
   * `stable` (default) uses `POST cgi-bin/stable_token`, which returns the same token while it is
   * valid, so another system sharing the appid cannot invalidate ours. `classic` uses
   * `GET cgi-bin/token`, where every fetch invalidates the previous token five minutes later.
   */
  mode?: 'stable' | 'classic'
}

/** Shared, single-flight access to an app's basic access_token and jsapi_ticket. */
export interface WechatAccessToken {
  readonly appid: string
  readonly mode: 'stable' | 'classic'
  /** A valid token: from the shared cache, or fetched by exactly one instance. */
  getToken(): Promise<string>
  /** The JS-SDK `jsapi_ticket`, cached and refreshed the same way. */
  getTicket(): Promise<string>
  /** Forgets `token` if it is still the cached one (after WeChat rejected it). */
  invalidate(input: { token: string }): Promise<void>
  /**
   * Runs `fn` with a token; if it throws a {@link @loopkit/core!index.LoopError} whose `providerCode` is 40001, 40014
   * or 42001, refreshes the token once and runs `fn` again.
   */
  withAccessToken<T>(fn: (token: string) => Promise<T>): Promise<T>
  /**
   * Calls a WeChat API with `access_token` in its query, through `withAccessToken`.
   * @inlineType WechatCall
   */
  call<T extends object>(input: Omit<WechatCall, 'secrets'>): Promise<T>
}

/**
 * The basic access_token of an official account or mini-program, shared through the loop's
 * storage cache by every instance and refreshed single-flight (a lease in the cache), so a fleet
 * of servers makes one token call per expiry. The secret and tokens never appear in errors.
 *
 * @example
 * ```ts
 * const tokens = wechatAccessToken({ appid: 'wx123', secret: process.env.WECHAT_SECRET!, storage })
 * const user = await tokens.call<{ nickname: string }>({ path: 'cgi-bin/user/info', query: { openid } })
 * ```
 */
export function wechatAccessToken(options: WechatAccessTokenOptions): WechatAccessToken {
  if (!options.appid) throw requiredOptionError('wechat', 'appid')
  if (!options.secret) throw requiredOptionError('wechat', 'secret')
  if (!options.storage) throw requiredOptionError('wechat', 'storage')
  const { appid, secret, storage } = options
  const mode = options.mode ?? 'stable'
  const now = options.now ?? Date.now
  const http = wechatHttp({ baseUrl: options.baseUrl, fetch: options.fetch, secrets: [secret] })

  const token = cachedValue({
    storage,
    now,
    key: `wechat:access-token:${mode}:${appid}`,
    label: 'WeChat access token',
    async load() {
      const body =
        mode === 'stable'
          ? await http.call({
              method: 'POST',
              path: 'cgi-bin/stable_token',
              json: { grant_type: 'client_credential', appid, secret, force_refresh: false },
            })
          : await http.call({
              path: 'cgi-bin/token',
              query: { grant_type: 'client_credential', appid, secret },
            })
      // A malformed answer is a WeChat hiccup, not a verdict: the next caller may try again.
      const answer = parseAnswer(
        tokenAnswer,
        body,
        `cgi-bin/${mode === 'stable' ? 'stable_token' : 'token'}`,
        {
          retryable: true,
        },
      )
      return { value: answer.access_token, ttlMs: ttlFor(answer.expires_in) }
    },
  })

  async function withAccessToken<T>(fn: (token: string) => Promise<T>): Promise<T> {
    const first = await token.get()
    try {
      return await fn(first)
    } catch (error) {
      if (!isLoopError(error) || !TOKEN_ERRCODES.has(Number(error.providerCode))) throw error
      await token.invalidate(first)
      return fn(await token.get())
    }
  }

  function call<T extends object>(input: Omit<WechatCall, 'secrets'>): Promise<T> {
    return withAccessToken((accessToken) =>
      http.call<T>({
        ...input,
        query: { ...input.query, access_token: accessToken },
        secrets: [accessToken],
      }),
    )
  }

  const ticket = cachedValue({
    storage,
    now,
    key: `wechat:jsapi-ticket:${appid}`,
    label: 'WeChat jsapi_ticket',
    async load() {
      const body = await call({ path: 'cgi-bin/ticket/getticket', query: { type: 'jsapi' } })
      const answer = parseAnswer(ticketAnswer, body, 'cgi-bin/ticket/getticket', { retryable: true })
      return { value: answer.ticket, ttlMs: ttlFor(answer.expires_in) }
    },
  })

  return {
    appid,
    mode,
    getToken: () => token.get(),
    getTicket: () => ticket.get(),
    invalidate: ({ token: value }) => token.invalidate(value),
    withAccessToken,
    call,
  }
}
