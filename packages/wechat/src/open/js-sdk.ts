import { createHash, randomBytes } from 'node:crypto'
import { describeOptionValue, type LoopPlugin, loopError, requiredOptionError } from '@loopkit/core'
import type { WechatAccessToken } from './access-token.js'

/**
 * The JS-SDK `wx.config` signature: lowercase hex SHA-1 of
 * `jsapi_ticket=…&noncestr=…&timestamp=…&url=…` with raw (unescaped) values and the URL cut at `#`.
 * The URL must be the page's own, exactly as the browser has it (`location.href`).
 *
 * @example
 * ```ts
 * jsSdkSignature({ ticket, nonceStr: 'Wm3WZYTPz0wzccnW', timestamp: 1414587457, url: 'http://mp.weixin.qq.com?params=value' })
 * // '0f9de62fce790f9a083d5c99e95740ceb90c27ed' with the official example ticket
 * ```
 */
export function jsSdkSignature(input: {
  ticket: string
  nonceStr: string
  timestamp: number | string
  url: string
}): string {
  const url = input.url.split('#')[0]!
  const string1 = `jsapi_ticket=${input.ticket}&noncestr=${input.nonceStr}&timestamp=${input.timestamp}&url=${url}`
  return createHash('sha1').update(string1, 'utf8').digest('hex')
}

/** Options of {@link wechatJsSdk}. */
export interface WechatJsSdkOptions {
  /** The official account's appid (the one whose JS secure domain lists your pages). */
  appid: string
  tokens: WechatAccessToken
  /**
   * Page origins (`https://shop.example.com`) the route signs for. Without it any http(s) page is
   * signed; WeChat itself still refuses pages outside the account's JS secure domains.
   */
  allowedOrigins?: string[]
  /** Default: the two share APIs, `updateAppMessageShareData` and `updateTimelineShareData`. */
  jsApiList?: string[]
}

const DEFAULT_APIS = ['updateAppMessageShareData', 'updateTimelineShareData']
const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

function originOf(value: string): string {
  try {
    return new URL(value).origin
  } catch {
    throw loopError(
      'wechat',
      'configuration',
      `\`allowedOrigins\` has an invalid origin: ${describeOptionValue(value)}.`,
    )
  }
}

function nonce(): string {
  // 16 characters; the 62-symbol alphabet's bias from `% 62` is irrelevant for a nonce.
  return Array.from(randomBytes(16), (b) => NONCE_ALPHABET[b % NONCE_ALPHABET.length]).join('')
}

/**
 * A loop plugin adding `GET /wechat/js-config?url=<page URL>`, which answers the `wx.config`
 * parameters for that page: `{ appId, timestamp, nonceStr, signature, jsApiList }`. The page sends
 * `location.href.split('#')[0]` (WeChat appends its own query to shared links, so only the URL the
 * browser really has will verify). A URL whose origin is not allowed is refused with 400.
 *
 * @example
 * ```ts
 * const tokens = wechatAccessToken({ appid: 'wx123', secret, storage })
 * createLoop({ plugins: [wechatJsSdk({ appid: 'wx123', tokens, allowedOrigins: ['https://shop.example.com'] })] })
 * // browser: const cfg = await (await fetch(`/loop/wechat/js-config?url=${encodeURIComponent(location.href.split('#')[0])}`)).json()
 * //          wx.config(cfg)
 * ```
 */
export function wechatJsSdk(options: WechatJsSdkOptions): LoopPlugin {
  if (!options.appid) throw requiredOptionError('wechat', 'appid')
  if (!options.tokens) throw requiredOptionError('wechat', 'tokens')
  const allowed = options.allowedOrigins ? new Set(options.allowedOrigins.map(originOf)) : null
  const jsApiList = options.jsApiList ?? DEFAULT_APIS

  return {
    id: 'wechat-js-sdk',
    routes: [
      {
        method: 'GET',
        path: '/wechat/js-config',
        async handler({ request, context }) {
          const raw = new URL(request.url).searchParams.get('url')
          if (!raw)
            throw loopError(
              'wechat',
              'invalid_input',
              'Missing query parameter `url` (the page URL to sign).',
            )
          let page: URL
          try {
            page = new URL(raw)
          } catch {
            throw loopError('wechat', 'invalid_input', 'The `url` to sign is not an absolute URL.')
          }
          if (page.protocol !== 'http:' && page.protocol !== 'https:')
            throw loopError('wechat', 'invalid_input', 'Only http(s) pages can use the JS-SDK.')
          if (allowed && !allowed.has(page.origin))
            throw loopError(
              'wechat',
              'invalid_input',
              `The origin ${page.origin} is not allowed to use the JS-SDK.`,
            )
          const ticket = await options.tokens.getTicket()
          const timestamp = Math.floor(context.now() / 1000)
          const nonceStr = nonce()
          // Sign the string the page sent, not `page.href`: URL parsing may normalize it.
          const signature = jsSdkSignature({ ticket, nonceStr, timestamp, url: raw })
          return Response.json(
            { appId: options.appid, timestamp, nonceStr, signature, jsApiList },
            { headers: { 'cache-control': 'no-store' } },
          )
        },
      },
    ],
  }
}
