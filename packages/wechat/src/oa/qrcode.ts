import { loopError } from '@loopkit/core'
import type { WechatAccessToken } from '../open/access-token.js'
import { oaCall } from './api.js'

/** The longest a temporary QR code lives: 30 days. */
export const MAX_QR_EXPIRE_SECONDS = 2_592_000

/** A parametric QR code: show `imageUrl`, or render `url` yourself. */
export interface OfficialAccountQrCode {
  ticket: string
  /** What the QR code encodes (`http://weixin.qq.com/q/…`). */
  url: string
  /** The JPEG at `mp.weixin.qq.com/cgi-bin/showqrcode`, ticket URL-encoded. */
  imageUrl: string
  /** Null for a permanent code. */
  expireSeconds: number | null
}

/**
 * Creates a parametric QR code (`cgi-bin/qrcode/create`) whose scene comes back in the scan event:
 * `subscribe` with `qrscene_<scene>` for a new follower, `SCAN` with `<scene>` for a follower.
 * Pass a share token (28 characters) as `scene` and a scan records a share visit, so an offline
 * poster attributes like a link. Temporary codes (default 30 days) are plentiful; permanent ones
 * are capped at 100,000 per account (`quota_exceeded`). The scene is 1–64 bytes (`invalid_input`).
 *
 * @example
 * ```ts
 * const { token } = await loop.shares.create({ customerId, skuId: 'duck' })
 * const qr = await createQrCode({ tokens: oa.tokens(loop), scene: token })
 * ```
 */
export async function createQrCode(input: {
  tokens: WechatAccessToken
  scene: string
  permanent?: boolean
  /** Temporary codes only; default and maximum 2,592,000 (30 days). */
  expireSeconds?: number
  /** Default `https://mp.weixin.qq.com`. */
  imageBaseUrl?: string
}): Promise<OfficialAccountQrCode> {
  const bytes = Buffer.byteLength(input.scene, 'utf8')
  if (bytes < 1 || bytes > 64)
    throw loopError('wechat', 'invalid_input', `A QR scene is 1–64 bytes; this one is ${bytes}.`)
  const expire = input.expireSeconds ?? MAX_QR_EXPIRE_SECONDS
  if (!input.permanent && (!Number.isInteger(expire) || expire < 1 || expire > MAX_QR_EXPIRE_SECONDS))
    throw loopError('wechat', 'invalid_input', `\`expireSeconds\` must be 1–${MAX_QR_EXPIRE_SECONDS}.`)
  const body = input.permanent
    ? { action_name: 'QR_LIMIT_STR_SCENE', action_info: { scene: { scene_str: input.scene } } }
    : {
        expire_seconds: expire,
        action_name: 'QR_STR_SCENE',
        action_info: { scene: { scene_str: input.scene } },
      }
  const answer = await oaCall<{ ticket?: unknown; url?: unknown; expire_seconds?: unknown }>({
    tokens: input.tokens,
    path: 'cgi-bin/qrcode/create',
    json: body,
  })
  if (typeof answer.ticket !== 'string' || typeof answer.url !== 'string')
    throw loopError('wechat', 'provider_error', 'cgi-bin/qrcode/create answered without a ticket.', {
      retryable: true,
    })
  const base = (input.imageBaseUrl ?? 'https://mp.weixin.qq.com').replace(/\/+$/, '')
  return {
    ticket: answer.ticket,
    url: answer.url,
    // Tickets contain + / =: unencoded they break the image URL.
    imageUrl: `${base}/cgi-bin/showqrcode?ticket=${encodeURIComponent(answer.ticket)}`,
    expireSeconds: typeof answer.expire_seconds === 'number' ? answer.expire_seconds : null,
  }
}
