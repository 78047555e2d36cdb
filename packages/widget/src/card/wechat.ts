import { widgetError } from '../_internal/error.js'
import type { ShareCardData, WechatJsConfig } from './api.js'

/** The subset of the WeChat JS-SDK (`jweixin-1.6.0.js`) the card calls. */
export interface WechatJsSdk {
  config(config: WechatJsConfig & { debug?: boolean }): void
  ready(callback: () => void): void
  error?(callback: (result: unknown) => void): void
  updateAppMessageShareData(data: { title: string; desc: string; link: string; imgUrl: string }): void
  updateTimelineShareData(data: { title: string; link: string; imgUrl: string }): void
}

/**
 * `mobile` inside WeChat on a phone (the ··· menu shares the page), `desktop` for WeChat on
 * Windows or macOS (no share menu worth guiding to: show a QR code), `null` elsewhere.
 */
export function wechatKind(userAgent: string): 'mobile' | 'desktop' | null {
  if (!/MicroMessenger/i.test(userAgent)) return null
  return /WindowsWechat|MacWechat/i.test(userAgent) ? 'desktop' : 'mobile'
}

let sdk: Promise<WechatJsSdk> | undefined

/** The page's `wx`, or the official script loaded once from `src` when the page has none. */
export function loadWechatSdk(src: string): Promise<WechatJsSdk> {
  const existing = (window as { wx?: WechatJsSdk }).wx
  if (existing) return Promise.resolve(existing)
  sdk ??= new Promise((resolve, reject) => {
    const script = document.createElement('script')
    script.src = src
    script.onload = () => {
      const wx = (window as { wx?: WechatJsSdk }).wx
      if (wx) resolve(wx)
      else reject(new Error('[loopkit] [widget] The WeChat JS-SDK loaded without defining `wx`.'))
    }
    script.onerror = () => {
      sdk = undefined
      reject(new Error(`[loopkit] [widget] Could not load the WeChat JS-SDK from ${src}.`))
    }
    document.head.append(script)
  })
  return sdk
}

/**
 * Hands the card to WeChat's own share menu: `wx.config` with the server's signature for this
 * page, then, once ready, the chat and Moments share data. Both must be set before the user taps
 * ···, which is why this runs as soon as the card loads.
 */
export function configureWechat(
  wx: WechatJsSdk,
  config: WechatJsConfig,
  card: ShareCardData,
  imgUrl: string,
  onError: (error: Error) => void,
): void {
  wx.config({ debug: false, ...config })
  // `config:invalid signature` and friends arrive here, not as exceptions.
  wx.error?.((result) => {
    const message = (result as { errMsg?: unknown } | null)?.errMsg
    onError(widgetError('provider_error', `WeChat refused wx.config: ${String(message ?? 'unknown error')}.`))
  })
  wx.ready(() => {
    wx.updateAppMessageShareData({ title: card.title, desc: card.description, link: card.link, imgUrl })
    wx.updateTimelineShareData({ title: card.title, link: card.link, imgUrl })
  })
}
