import {
  describeOptionValue,
  type IdentityAdapter,
  type IdentityProfile,
  loopError,
  requiredOptionError,
} from '@loopkit/core'
import { parseAnswer } from '../_internal/parse-answer.js'
import { oauthAnswer, userinfoAnswer } from './answers.js'
import { type FetchLike, wechatHttp } from './http.js'

/** `snsapi_base`: silent, openid only. `snsapi_userinfo`: a consent page, then nickname and avatar. */
export type WechatOAuthScope = 'snsapi_base' | 'snsapi_userinfo'

/** Options of {@link wechatLogin}. */
export interface WechatLoginOptions {
  /** The official account's appid. */
  appid: string
  secret: string
  /** `snsapi_base` (default): silent, openid only. `snsapi_userinfo`: nickname and avatar too. */
  scope?: WechatOAuthScope
  /** The provider id in routes and identities; default `wechat`. */
  id?: string
  /** API host, default `https://api.weixin.qq.com`. */
  baseUrl?: string
  /** Authorize page host, default `https://open.weixin.qq.com`. */
  authorizeBaseUrl?: string
  fetch?: FetchLike
  lang?: 'zh_CN' | 'zh_TW' | 'en'
}

const SCOPES: ReadonlySet<string> = new Set(['snsapi_base', 'snsapi_userinfo'])

/**
 * Official-account web login (网页授权). `authorizeUrl` builds the `open.weixin.qq.com` link (the
 * parameters in WeChat's documented order, ending in `#wechat_redirect`); `exchangeCode` trades
 * the one-time code for the openid (and, with `snsapi_userinfo`, the nickname and avatar). A used
 * or expired code (40163, 40029) throws `LoopError('unauthorized')`; a Moments snapshot-page
 * visitor comes back with `snapshot: true`, which the loop refuses as a buyer.
 *
 * @example
 * ```ts
 * const loop = createLoop({
 *   identity: [wechatLogin({ appid: 'wx123', secret: process.env.WECHAT_SECRET!, scope: 'snsapi_userinfo' })],
 *   // …
 * })
 * ```
 */
export function wechatLogin(options: WechatLoginOptions): IdentityAdapter {
  if (!options.appid) throw requiredOptionError('wechat', 'appid')
  if (!options.secret) throw requiredOptionError('wechat', 'secret')
  const { appid, secret } = options
  const id = options.id ?? 'wechat'
  const defaultScope = options.scope ?? 'snsapi_base'
  if (!SCOPES.has(defaultScope))
    throw loopError('wechat', 'configuration', `Unknown scope ${describeOptionValue(defaultScope)}.`)
  const authorizeBase = (options.authorizeBaseUrl ?? 'https://open.weixin.qq.com').replace(/\/+$/, '')
  const http = wechatHttp({ baseUrl: options.baseUrl, fetch: options.fetch, secrets: [secret] })

  return {
    id,
    async authorizeUrl({ state, redirectUri, scope }) {
      const chosen = scope ?? defaultScope
      if (!SCOPES.has(chosen))
        throw loopError(
          'wechat',
          'invalid_input',
          `Unknown scope \`${chosen}\`; use snsapi_base or snsapi_userinfo.`,
        )
      // WeChat echoes `state` only if it is [A-Za-z0-9] and at most 128 bytes.
      if (!/^[A-Za-z0-9]{0,128}$/.test(state)) {
        throw loopError(
          'wechat',
          'invalid_input',
          'The OAuth `state` must be at most 128 characters of [A-Za-z0-9].',
        )
      }
      if (!/^https?:\/\//.test(redirectUri))
        throw loopError('wechat', 'invalid_input', 'The `redirectUri` must be an absolute http(s) URL.')
      // The parameter order is WeChat's own; some clients reject other orders.
      const query = [
        `appid=${encodeURIComponent(appid)}`,
        `redirect_uri=${encodeURIComponent(redirectUri)}`,
        'response_type=code',
        `scope=${chosen}`,
        `state=${state}`,
      ].join('&')
      return `${authorizeBase}/connect/oauth2/authorize?${query}#wechat_redirect`
    },

    async exchangeCode({ code }) {
      if (!code) throw loopError('wechat', 'unauthorized', 'The login code is missing.')
      const token = parseAnswer(
        oauthAnswer,
        await http.call({
          path: 'sns/oauth2/access_token',
          query: { appid, secret, code, grant_type: 'authorization_code' },
        }),
        'sns/oauth2/access_token',
      )
      const profile: IdentityProfile = { provider: id, subject: token.openid }
      if (token.unionid) profile.unionId = token.unionid
      if (token.is_snapshotuser === 1) {
        // A virtual Moments visitor: no real account behind it, and no userinfo to fetch.
        profile.snapshot = true
        return profile
      }
      if (token.scope?.split(',').includes('snsapi_userinfo')) {
        const info = parseAnswer(
          userinfoAnswer,
          await http.call({
            path: 'sns/userinfo',
            query: { access_token: token.access_token, openid: token.openid, lang: options.lang ?? 'zh_CN' },
            secrets: [token.access_token],
          }),
          'sns/userinfo',
        )
        if (info.unionid) profile.unionId = info.unionid
        if (info.nickname) profile.displayName = info.nickname
        if (info.headimgurl) profile.avatarUrl = info.headimgurl
      }
      return profile
    },
  }
}
