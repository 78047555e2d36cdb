import { createDecipheriv } from 'node:crypto'
import {
  type IdentityAdapter,
  type IdentityProfile,
  loopError,
  requiredOptionError,
  type StorageAdapter,
} from '@loopkit/core'
import { parseAnswer } from '../_internal/parse-answer.js'
import { sessionAnswer } from './answers.js'
import { type FetchLike, wechatHttp } from './http.js'

/** Options of {@link wechatMiniProgramLogin}. */
export interface WechatMiniProgramLoginOptions {
  /** The mini-program's appid. */
  appid: string
  secret: string
  /** The provider id in routes and identities; default `wechat-mp`. */
  id?: string
  baseUrl?: string
  fetch?: FetchLike
  /**
   * Where to keep each user's `session_key` (server-side only) for {@link WechatMiniProgramLogin.decrypt}.
   * Without it the key is discarded.
   */
  storage?: StorageAdapter
  /** How long a stored session key is kept; default 24 hours. */
  sessionKeyTtlMs?: number
  now?: () => number
}

/** Mini-program login, plus decryption of `wx.getUserInfo` / phone-number payloads. */
export interface WechatMiniProgramLogin extends IdentityAdapter {
  /**
   * Decrypts an `encryptedData` payload (AES-128-CBC with the user's stored `session_key`) and
   * checks its watermark is this appid. Needs the `storage` option.
   */
  decrypt(input: { openid: string; encryptedData: string; iv: string }): Promise<Record<string, unknown>>
}

/**
 * Mini-program login: the client calls `wx.login()` and posts the code to the loop
 * (`POST /login/wechat-mp/code`); `exchangeCode` calls `sns/jscode2session`. The `session_key`
 * never leaves the server: it is not in the profile, and is kept in the storage cache only if
 * `storage` is given.
 *
 * @example
 * ```ts
 * const loop = createLoop({
 *   identity: [wechatMiniProgramLogin({ appid: 'wxmp123', secret: process.env.WECHAT_MP_SECRET!, storage })],
 *   // …
 * })
 * ```
 */
export function wechatMiniProgramLogin(options: WechatMiniProgramLoginOptions): WechatMiniProgramLogin {
  if (!options.appid) throw requiredOptionError('wechat', 'appid')
  if (!options.secret) throw requiredOptionError('wechat', 'secret')
  const { appid, secret, storage } = options
  const id = options.id ?? 'wechat-mp'
  const now = options.now ?? Date.now
  const http = wechatHttp({ baseUrl: options.baseUrl, fetch: options.fetch, secrets: [secret] })
  const keyFor = (openid: string) => `wechat-mp:session-key:${appid}:${openid}`

  return {
    id,
    async authorizeUrl() {
      throw loopError(
        'wechat',
        'invalid_input',
        'A mini-program has no authorize URL: post the `wx.login()` code to `/login/wechat-mp/code`.',
      )
    },

    async exchangeCode({ code }) {
      if (!code) throw loopError('wechat', 'unauthorized', 'The login code is missing.')
      const session = parseAnswer(
        sessionAnswer,
        await http.call({
          path: 'sns/jscode2session',
          query: { appid, secret, js_code: code, grant_type: 'authorization_code' },
        }),
        'sns/jscode2session',
      )
      if (storage && session.session_key) {
        await storage.cacheSet({
          key: keyFor(session.openid),
          value: session.session_key,
          ttlMs: options.sessionKeyTtlMs ?? 86_400_000,
          now: now(),
        })
      }
      const profile: IdentityProfile = { provider: id, subject: session.openid }
      if (session.unionid) profile.unionId = session.unionid
      return profile
    },

    async decrypt({ openid, encryptedData, iv }) {
      if (!storage) throw requiredOptionError('wechat', 'storage')
      const sessionKey = await storage.cacheGet({ key: keyFor(openid), now: now() })
      if (!sessionKey)
        throw loopError(
          'wechat',
          'unauthorized',
          'No session key for this user: log in again with `wx.login()`.',
        )
      let data: Record<string, unknown>
      try {
        const decipher = createDecipheriv(
          'aes-128-cbc',
          Buffer.from(sessionKey, 'base64'),
          Buffer.from(iv, 'base64'),
        )
        const plain = Buffer.concat([decipher.update(Buffer.from(encryptedData, 'base64')), decipher.final()])
        data = JSON.parse(plain.toString('utf8')) as Record<string, unknown>
      } catch {
        throw loopError(
          'wechat',
          'invalid_input',
          "The encrypted data does not decrypt with this user's session key.",
        )
      }
      const watermark = data.watermark as { appid?: unknown } | undefined
      if (watermark?.appid !== appid)
        throw loopError('wechat', 'invalid_input', 'The encrypted data was made for another appid.')
      return data
    },
  }
}
