import { type WidgetErrorCode, widgetError } from '../_internal/error.js'

/**
 * What `GET {endpoint}/shares/{token}/card` answers, and what `el.card` holds once loaded.
 *
 * @example
 * ```ts
 * const card: ShareCardData = {
 *   shareId: 'shr_…', token: 'mznM…', title: 'Nanjing salted duck', description: 'Brined and poached.',
 *   imageUrl: 'https://shop.example/duck.jpg', price: { amount: 8800, currency: 'CNY', display: '¥88.00' },
 *   link: 'https://shop.example/loop/s/mznM…',
 * }
 * ```
 */
export interface ShareCardData {
  shareId: string
  token: string
  title: string
  description: string
  imageUrl: string | null
  price: { amount: number; currency: string; display: string } | null
  /** The share link (`…/s/{token}`) every channel passes on. */
  link: string
}

/** The channels the card reports in its `share.action` events. */
export type ShareChannel =
  | 'wechat'
  | 'wechat-timeline'
  | 'qr'
  | 'web-share'
  | 'copy'
  | 'weibo'
  | 'qq'
  | 'poster'

/** What `GET {endpoint}/wechat/js-config?url=` answers: the arguments of `wx.config`. */
export interface WechatJsConfig {
  appId: string
  timestamp: number | string
  nonceStr: string
  signature: string
  jsApiList: string[]
}

const codes: Record<number, WidgetErrorCode> = {
  400: 'invalid_input',
  401: 'unauthorized',
  403: 'unauthorized',
  404: 'not_found',
}

async function request<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init)
  if (!response.ok) {
    const status = response.status
    throw widgetError(
      codes[status] ?? 'provider_error',
      `${init?.method ?? 'GET'} ${new URL(url).pathname} answered ${status}.`,
      status,
    )
  }
  return (await response.json()) as T
}

/** Loads the card of a share. */
export function fetchCard(endpoint: string, token: string): Promise<ShareCardData> {
  return request(`${endpoint}/shares/${encodeURIComponent(token)}/card`)
}

/**
 * Creates a share of a SKU for the logged-in viewer (the loop's session cookie goes along, so a
 * cross-origin loop must allow credentials). Answers 401 when nobody is logged in.
 */
export async function createShare(endpoint: string, skuId: string): Promise<string> {
  const share = await request<{ token?: string; share?: { token?: string } }>(`${endpoint}/shares`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ skuId }),
    credentials: 'include',
  })
  const token = share.token ?? share.share?.token
  if (!token) throw widgetError('provider_error', 'POST /shares answered without a `token`.')
  return token
}

/** The JS-SDK signature for this page: WeChat signs the URL without its fragment. */
export function fetchJsConfig(endpoint: string, pageUrl: string): Promise<WechatJsConfig> {
  return request(`${endpoint}/wechat/js-config?url=${encodeURIComponent(pageUrl.split('#')[0]!)}`)
}

/**
 * Reports a share action. `keepalive` lets the request outlive the page (a Weibo link or a
 * download may navigate away); sendBeacon stands in where fetch is missing. Reporting never
 * throws: a lost analytics event must not break sharing.
 */
export function postEvent(endpoint: string, token: string, channel: ShareChannel): void {
  const url = `${endpoint}/events`
  // The signed share token, not the bare id: the loop only records reports it can verify.
  const body = JSON.stringify({ type: 'share.action', token, channel })
  try {
    if (typeof fetch === 'function') {
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        keepalive: true,
      }).catch(() => {})
    } else {
      navigator.sendBeacon(url, new Blob([body], { type: 'application/json' }))
    }
  } catch {
    // Nothing to do: the share itself went ahead.
  }
}
