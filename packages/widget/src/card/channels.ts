import { h } from '../_internal/dom.js'
import { encodeQr } from '../qr/encode.js'
import { qrSvg } from '../qr/svg.js'
import type { ShareCardData, ShareChannel } from './api.js'
import { copyText } from './copy.js'
import type { ShareCardStrings } from './strings.js'

/** What a channel needs from its card. */
export interface ChannelContext {
  t: ShareCardStrings
  /** The polite live region under the buttons. */
  status: HTMLElement
  /** Opens the card's dialog (closing any other); `onClose` runs when it goes. */
  dialog(input: {
    opener: HTMLElement
    title: string
    body: Node[]
    variant?: string
    onClose?: () => void
  }): void
  track(channel: ShareChannel): void
  /** The poster as a PNG file, drawn once per card; `null` when it could not be drawn. */
  poster(): Promise<File | null>
  /** The poster if it is already drawn (Web Share must not wait for it). */
  posterReady(): File | null
}

/** A cancelled share rejects with `AbortError`: nothing to tell the user. */
const ignore = () => {}

/** The share URL of Weibo or QQ for a card. */
export function shareUrl(channel: 'weibo' | 'qq', data: ShareCardData): string {
  const base =
    channel === 'weibo'
      ? 'https://service.weibo.com/share/share.php'
      : 'https://connect.qq.com/widget/shareqq/index.html'
  return `${base}?url=${encodeURIComponent(data.link)}&title=${encodeURIComponent(data.title)}`
}

/**
 * What each button does once its action is tracked. Weibo and QQ are plain links (the browser
 * opens them), so they have nothing to do here.
 */
export const channels: Record<
  Exclude<ShareChannel, 'weibo' | 'qq'>,
  (cx: ChannelContext, data: ShareCardData, opener: HTMLElement) => void
> = {
  wechat: (cx, _, opener) => cx.dialog({ opener, title: cx.t.guideFriend, body: [], variant: 'guide' }),
  'wechat-timeline': (cx, _, opener) =>
    cx.dialog({ opener, title: cx.t.guideMoments, body: [], variant: 'guide' }),

  qr: (cx, data, opener) => {
    const box = h('div', { class: 'qr', part: 'qr', role: 'img', 'aria-label': cx.t.qrLabel })
    box.innerHTML = qrSvg(encodeQr(data.link)) // numbers and fixed markup only
    cx.dialog({ opener, title: cx.t.scan, body: [box, h('p', {}, data.link)] })
  },

  'web-share': (cx, data) => {
    const payload: ShareData = { title: data.title, text: data.description, url: data.link }
    const file = cx.posterReady()
    if (file && navigator.canShare?.({ files: [file] })) payload.files = [file]
    navigator.share(payload).catch(ignore)
  },

  copy: (cx, data) => {
    cx.status.textContent = ''
    void copyText(data.link).then((ok) => {
      cx.status.textContent = ok ? cx.t.copied : `${cx.t.copyFailed} ${data.link}`
    })
  },

  poster: (cx, data, opener) => {
    const body = h('div', {}, h('p', {}, cx.t.drawing))
    let url = ''
    cx.dialog({ opener, title: cx.t.poster, body: [body], onClose: () => URL.revokeObjectURL(url) })
    void cx.poster().then((file) => {
      if (!file) {
        body.replaceChildren(h('p', {}, cx.t.error))
        return
      }
      if (!body.isConnected) return // closed while drawing
      url = URL.createObjectURL(file)
      const shareImage = () => {
        cx.track('web-share')
        navigator.share({ files: [file], title: data.title }).catch(ignore)
      }
      const save = h('a', { class: 'btn primary', href: url, download: 'poster.png' }, cx.t.save)
      body.replaceChildren(
        h('img', { class: 'poster', part: 'poster', src: url, alt: `${cx.t.poster}: ${data.title}` }),
        h(
          'div',
          { class: 'row' },
          save,
          navigator.canShare?.({ files: [file] }) &&
            h('button', { type: 'button', onclick: shareImage }, cx.t.shareImage),
        ),
      )
      // The dialog opened with nothing to focus but itself; now the main action is there.
      if ((body.getRootNode() as ShadowRoot).activeElement?.getAttribute('role') === 'dialog') save.focus()
    })
  },
}
