import { h } from '../_internal/dom.js'
import { widgetError } from '../_internal/error.js'
import { encodeQr } from '../qr/encode.js'
import { qrSvg } from '../qr/svg.js'
import { createShare, fetchCard, fetchJsConfig, postEvent, type ShareCardData, type ShareChannel } from './api.js'
import { copyText } from './copy.js'
import { openDialog } from './dialog.js'
import { drawPoster } from './poster.js'
import { type ShareCardStrings, stringsFor } from './strings.js'
import { styles } from './styles.js'
import { configureWechat, loadWechatSdk, wechatKind } from './wechat.js'

/** The official JS-SDK, used only when the page has not loaded `wx` itself. */
const defaultWechatSdk = 'https://res.wx.qq.com/open/js/jweixin-1.6.0.js'

export interface CardController {
  load(): void
  closeDialog(): void
  card(): ShareCardData | null
}

/**
 * Everything the element does, as closures over its host and shadow root (closures minify to
 * short names where class members would not; the element class stays a thin shell).
 */
export function createController(host: HTMLElement, root: ShadowRoot): CardController {
  let card: ShareCardData | null = null
  let t: ShareCardStrings = stringsFor('en')
  let generation = 0
  let closeDialog = () => {}
  let poster: Promise<File | null> | null = null
  let posterFile: File | null = null
  const attr = (name: string) => host.getAttribute(name) ?? ''
  const endpoint = () => attr('endpoint').replace(/\/+$/, '')
  const absolute = (url: string | null) => (url ? new URL(url, `${endpoint()}/`).href : null)
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' })

  const track = (channel: ShareChannel) => {
    if (!card) return
    postEvent(endpoint(), card.shareId, channel)
    host.dispatchEvent(
      new CustomEvent('loopkit-share', { detail: { channel, shareId: card.shareId }, bubbles: true, composed: true }),
    )
  }

  const show = (...content: Node[]) => {
    closeDialog()
    root.replaceChildren(h('style', {}, styles), ...content)
  }

  const makePoster = (data: ShareCardData) =>
    (poster ??= drawPoster(data, absolute(data.imageUrl), {
      accent: getComputedStyle(host).getPropertyValue('--loopkit-accent').trim() || '#07c160',
      font: getComputedStyle(host).fontFamily || 'sans-serif',
      caption: t.scanPoster,
    }).then(
      (blob) => (posterFile = new File([blob], 'poster.png', { type: 'image/png' })),
      () => null,
    ))

  const dialog = (opener: HTMLElement, title: string, body: Node[], variant?: string, onClose?: () => void) => {
    closeDialog()
    closeDialog = openDialog({ root, opener, title, body, closeLabel: t.close, ...(variant ? { variant } : {}), ...(onClose ? { onClose } : {}) })
  }

  const actions: Record<ShareChannel, (data: ShareCardData, button: HTMLElement) => void> = {
    wechat: (_, button) => dialog(button, t.guideFriend, [], 'guide'),
    'wechat-timeline': (_, button) => dialog(button, t.guideMoments, [], 'guide'),
    qr: (data, button) => {
      const box = h('div', { class: 'qr', part: 'qr', role: 'img', 'aria-label': t.qrLabel })
      box.innerHTML = qrSvg(encodeQr(data.link)) // numbers and fixed markup only
      dialog(button, t.scan, [box, h('p', {}, data.link)])
    },
    'web-share': (data) => {
      const payload: ShareData = { title: data.title, text: data.description, url: data.link }
      if (posterFile && navigator.canShare?.({ files: [posterFile] })) payload.files = [posterFile]
      // A cancelled share rejects with AbortError; there is nothing to tell the user.
      navigator.share(payload).catch(() => {})
    },
    copy: (data) => {
      status.textContent = ''
      void copyText(data.link).then((ok) => {
        status.textContent = ok ? t.copied : `${t.copyFailed} ${data.link}`
      })
    },
    weibo: () => {},
    qq: () => {},
    poster: (data, button) => {
      const body = h('div', {}, h('p', {}, t.drawing))
      let url = ''
      dialog(button, t.poster, [body], undefined, () => URL.revokeObjectURL(url))
      void makePoster(data).then((file) => {
        if (!file) return body.replaceChildren(h('p', {}, t.error))
        url = URL.createObjectURL(file)
        const share =
          navigator.canShare?.({ files: [file] }) &&
          h('button', { type: 'button', onclick: () => (track('web-share'), navigator.share({ files: [file], title: data.title }).catch(() => {})) }, t.shareImage)
        body.replaceChildren(
          h('img', { class: 'poster', part: 'poster', src: url, alt: `${t.poster}: ${data.title}` }),
          h('div', { class: 'row' }, h('a', { class: 'btn primary', href: url, download: 'poster.png' }, t.save), share),
        )
      })
    },
  }

  const button = (channel: ShareChannel, label: string, data: ShareCardData) => {
    const el: HTMLButtonElement = h('button', { type: 'button', part: 'action', 'data-channel': channel, onclick: () => {
      track(channel)
      actions[channel](data, el)
    } }, label)
    return el
  }

  const link = (channel: 'weibo' | 'qq', label: string, href: string) =>
    h('a', { class: 'btn', part: 'action', 'data-channel': channel, href, target: '_blank', rel: 'noopener', onclick: () => track(channel) }, label)

  const render = (data: ShareCardData) => {
    const wechat = wechatKind(navigator.userAgent)
    const u = encodeURIComponent(data.link)
    const title = encodeURIComponent(data.title)
    const image = absolute(data.imageUrl)
    show(
      h(
        'article',
        { class: 'card', part: 'card' },
        image && h('img', { src: image, alt: '', part: 'image' }),
        h(
          'div',
          { class: 'body' },
          h('h3', { part: 'title' }, data.title),
          data.description && h('p', { part: 'description' }, data.description),
          data.price && h('p', { class: 'price', part: 'price' }, data.price.display),
        ),
        h(
          'div',
          { class: 'actions', role: 'group', 'aria-label': t.shareTo },
          ...(wechat === 'mobile'
            ? [button('wechat', t.friend, data), button('wechat-timeline', t.moments, data)]
            : [button('qr', t.wechat, data)]),
          typeof navigator.share === 'function' && button('web-share', t.more, data),
          button('copy', t.copy, data),
          link('weibo', t.weibo, `https://service.weibo.com/share/share.php?url=${u}&title=${title}`),
          link('qq', t.qq, `https://connect.qq.com/widget/shareqq/index.html?url=${u}&title=${title}`),
          button('poster', t.poster, data),
        ),
        status,
      ),
    )
    // Web Share needs the file at the moment of the tap (the user activation expires while an
    // image loads), so the poster is drawn ahead of time where files can be shared at all.
    if (typeof navigator.canShare === 'function') void makePoster(data)
    if (wechat === 'mobile') {
      void Promise.all([loadWechatSdk(attr('wx-sdk') || defaultWechatSdk), fetchJsConfig(endpoint(), location.href)])
        .then(([wx, config]) => configureWechat(wx, config, data, image ?? ''))
        .catch((error: unknown) => fail(error, false))
    }
  }

  const fail = (error: unknown, replace: boolean) => {
    if (replace) {
      const code = (error as { code?: string }).code
      show(h('p', { class: 'status', role: 'alert', part: 'error' }, code === 'unauthorized' ? t.login : t.error))
    }
    host.dispatchEvent(new CustomEvent('loopkit-share-error', { detail: { error }, bubbles: true, composed: true }))
  }

  return {
    load() {
      const current = ++generation
      card = null
      poster = posterFile = null
      t = stringsFor(attr('lang') || (typeof navigator === 'undefined' ? 'en' : navigator.language))
      show(h('p', { class: 'status', role: 'status' }, t.loading))
      const token = attr('token')
      const sku = attr('sku')
      void (token ? Promise.resolve(token) : sku ? createShare(endpoint(), sku) : Promise.reject(widgetError('invalid_input', 'Set the `token` or `sku` attribute.')))
        .then((tk) => fetchCard(endpoint(), tk))
        .then((data) => {
          if (current !== generation) return
          card = data
          render(data)
        })
        .catch((error: unknown) => {
          if (current === generation) fail(error, true)
        })
    },
    closeDialog: () => closeDialog(),
    card: () => card,
  }
}
