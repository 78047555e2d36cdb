import { widgetError } from '../_internal/error.js'
import { defineShareCard, type ShareCardElement } from './element.js'

/** Options of {@link mountShareCard}: the element's attributes. */
export interface MountShareCardOptions {
  /** The loop's base URL, where `loop.fetch` is mounted: `https://shop.example/loop`. */
  endpoint: string
  /** A share token: the card of an existing share. */
  token?: string
  /** A SKU id: creates a share for the logged-in viewer with `POST /shares` (when there is no `token`). */
  sku?: string
  /** `zh` or `en` (any `zh-*` is Chinese), or both (`zh-CN,en`); defaults to `navigator.language`. */
  lang?: string
  /** Where to load the WeChat JS-SDK from when the page has no `wx`; defaults to WeChat's own URL. */
  wxSdk?: string
}

/**
 * Appends a share card to `target` and returns it; remove it like any element. Registers the
 * custom element on first use. Listen for `loopkit-share` (a share action, `detail: { channel,
 * shareId }`) and `loopkit-share-error` (`detail: { error }`, e.g. `code: 'unauthorized'` when a
 * `sku` card needs a login).
 *
 * @example
 * ```ts
 * import { mountShareCard } from '@loopkit/widget'
 * const card = mountShareCard(document.querySelector('#share')!, {
 *   endpoint: 'https://shop.example/loop',
 *   token: new URLSearchParams(location.search).get('share')!,
 *   lang: 'zh',
 * })
 * card.addEventListener('loopkit-share', (e) => console.log((e as CustomEvent).detail.channel))
 * ```
 */
export function mountShareCard(target: Element, options: MountShareCardOptions): ShareCardElement {
  if (!defineShareCard())
    throw widgetError('internal', '`mountShareCard` needs a browser: there is no `customElements` here.')
  const el = document.createElement('loopkit-share-card') as ShareCardElement
  const attrs: Array<[string, string | undefined]> = [
    ['endpoint', options.endpoint],
    ['token', options.token],
    ['sku', options.sku],
    ['lang', options.lang],
    ['wx-sdk', options.wxSdk],
  ]
  for (const [name, value] of attrs) if (value) el.setAttribute(name, value)
  target.append(el)
  return el
}
