import {
  type LoopContext,
  type LoopPlugin,
  type LoopRoute,
  loopError,
  requiredOptionError,
} from '@loopkit/core'
import { type WechatAccessToken, wechatAccessToken } from '../open/access-token.js'
import type { FetchLike } from '../open/http.js'
import { type ApplyConfig, type ApplyOutcome, applyPush } from './apply.js'
import { aesKeyOf } from './crypto.js'
import { type OfficialAccountPush, readPush } from './push.js'
import { encryptedReply, type PassiveReply, replyXml } from './reply.js'
import { verifyMessageSignature } from './signature.js'
import { type MessageMode, verifyPush } from './verify-push.js'

/** Options of {@link wechatOfficialAccount}. */
export interface WechatOfficialAccountOptions {
  appid: string
  secret: string
  /** The message-server Token (3–32 letters or digits). */
  token: string
  /** The 43-character EncodingAESKey; required for `compatible` and `safe`. */
  encodingAesKey?: string
  /** 明文 / 兼容 / 安全: `safe` refuses unencrypted pushes. */
  mode: MessageMode
  /** The identity provider whose subject is the openid: `wechatLogin`'s id (default `wechat`). */
  provider?: string
  /** Route path under the loop's base path; default `/wechat/events`. */
  path?: string
  /** Subscription-notification template id → the consent (channel default `wechat`) an `accept` grants. */
  subscriptions?: Record<string, { topic: string; channel?: string }>
  /** Look up a new follower's unionid with `cgi-bin/user/info` (one call, 2 s deadline). Default true. */
  lookupUnionId?: boolean
  /** A passive reply to a push (welcome text, …); null answers `success`. Must be fast: 5 s in all. */
  reply?: (input: { push: OfficialAccountPush; customerId: string | null }) => PassiveReply | null
  /** Largest body accepted; default 64 KiB (WeChat pushes are a few KiB). */
  maxBodyBytes?: number
  /** Default `https://api.weixin.qq.com`; point it at the simulator in tests. */
  baseUrl?: string
  fetch?: FetchLike
}

/** The adapter {@link wechatOfficialAccount} returns: a loop plugin with the message-server routes. */
export interface WechatOfficialAccount extends LoopPlugin {
  readonly appid: string
  /** The access-token manager for the API helpers (QR codes, tags, mass send…), once the loop is up. */
  tokens(context: { storage: LoopContext['storage'] }): WechatAccessToken
  /** Applies one already-verified push (for tests and replays). */
  apply(input: { context: LoopContext; push: OfficialAccountPush }): Promise<ApplyOutcome>
}

const text = (body: string, status = 200) =>
  new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } })

// The unionid lookup runs inside WeChat's 5-second answer window, token fetch included.
const UNIONID_DEADLINE_MS = 2_000

async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('deadline')), ms)
  })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}

/** The body as text, or null past `limit` bytes — counted while streaming, so a chunked flood stops early. */
async function readLimited(request: Request, limit: number): Promise<string | null> {
  if (Number(request.headers.get('content-length') ?? '0') > limit) return null
  const reader = request.body?.getReader()
  if (!reader) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel()
      return null
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * The WeChat official-account message server as a loop plugin: `GET` and `POST` on
 * `/wechat/events` (the URL you configure in 服务器配置). It answers the handshake, checks
 * `signature` (and `msg_signature`) before trusting anything, decrypts safe-mode pushes, records
 * each push exactly once in the webhook inbox (WeChat retries three times), and turns follows,
 * unfollows, QR scans, messages, menu clicks, delivery reports and subscription choices into
 * customer changes and loop events — then answers `success` (or a passive reply) well inside the
 * 5-second deadline.
 *
 * @example
 * ```ts
 * const oa = wechatOfficialAccount({ appid: 'wx123', secret, token: 'loopkit', encodingAesKey, mode: 'safe' })
 * const loop = createLoop({ secret, baseUrl, identity: [wechatLogin({ appid: 'wx123', secret })], plugins: [oa] })
 * ```
 */
export function wechatOfficialAccount(options: WechatOfficialAccountOptions): WechatOfficialAccount {
  if (!options.appid) throw requiredOptionError('wechat', 'appid')
  if (!options.secret) throw requiredOptionError('wechat', 'secret')
  if (!options.token) throw requiredOptionError('wechat', 'token')
  if (!/^[A-Za-z0-9]{3,32}$/.test(options.token))
    throw loopError('wechat', 'configuration', 'The message-server `token` must be 3–32 letters or digits.')
  const key = options.encodingAesKey === undefined ? null : aesKeyOf(options.encodingAesKey)
  if (options.encodingAesKey !== undefined && !key)
    throw loopError('wechat', 'configuration', 'The `encodingAesKey` must be 43 characters of [A-Za-z0-9].')
  if (options.mode !== 'plaintext' && !key) throw requiredOptionError('wechat', 'encodingAesKey')
  const { appid, token } = options
  const limit = options.maxBodyBytes ?? 64 * 1024
  let cached: WechatAccessToken | null = null
  const tokens = (context: { storage: LoopContext['storage'] }) => {
    cached ??= wechatAccessToken({
      appid,
      secret: options.secret,
      storage: context.storage,
      ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    })
    return cached
  }
  const configFor = (context: LoopContext): ApplyConfig => ({
    appid,
    provider: options.provider ?? 'wechat',
    inbox: `wechat-oa:${appid}`,
    subscriptions: options.subscriptions ?? {},
    ...(options.lookupUnionId === false
      ? {}
      : {
          unionIdOf: async (openid: string) => {
            const info = await withDeadline(
              tokens(context).call<{ unionid?: unknown }>({
                path: 'cgi-bin/user/info',
                query: { openid, lang: 'zh_CN' },
              }),
              UNIONID_DEADLINE_MS,
            )
            return typeof info.unionid === 'string' && info.unionid ? info.unionid : null
          },
        }),
  })
  const path = options.path ?? '/wechat/events'

  const handshake: LoopRoute = {
    method: 'GET',
    path,
    async handler({ request }) {
      const q = new URL(request.url).searchParams
      const values = [token, q.get('timestamp') ?? '', q.get('nonce') ?? '']
      // Never echo on a bad signature: the echo is what proves the server to WeChat.
      if (!verifyMessageSignature({ values, signature: q.get('signature') })) return text('forbidden', 403)
      return text(q.get('echostr') ?? '')
    },
  }

  const receive: LoopRoute = {
    method: 'POST',
    path,
    async handler({ request, context }) {
      const url = new URL(request.url)
      const q = url.searchParams
      // Authenticate before reading a large body: the URL signature needs no body.
      if (
        !verifyMessageSignature({
          values: [token, q.get('timestamp') ?? '', q.get('nonce') ?? ''],
          signature: q.get('signature'),
        })
      )
        return text('forbidden', 403)
      const body = await readLimited(request, limit)
      if (body === null) return text('payload too large', 413)
      const verified = verifyPush({ url, body, token, appid, key, mode: options.mode })
      if (!verified.ok) return text(verified.reason, verified.reason === 'xml_invalid' ? 400 : 403)
      const push = readPush(verified.root)
      if (!push) return text('xml_invalid', 400)
      const outcome = await applyPush(context, configFor(context), push)
      let reply: PassiveReply | null = null
      try {
        reply = options.reply?.({ push, customerId: outcome.customerId }) ?? null
      } catch {
        // The push is recorded: a failing reply must not make WeChat retry it (or show an error).
      }
      if (!reply) return text('success')
      const xml = replyXml({ openid: push.openid, account: push.account, now: context.now(), reply })
      if (!verified.encrypted) return new Response(xml, { headers: { 'content-type': 'application/xml' } })
      const envelope = encryptedReply({
        token,
        key: key as Buffer,
        appid,
        xml,
        timestamp: String(Math.floor(context.now() / 1000)),
        nonce: verified.nonce,
      })
      return new Response(envelope, { headers: { 'content-type': 'application/xml' } })
    },
  }

  return {
    id: `wechat-official-account:${appid}`,
    appid,
    routes: [handshake, receive],
    tokens,
    apply: ({ context, push }) => applyPush(context, configFor(context), push),
  }
}
