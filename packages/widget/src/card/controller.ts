import { h } from '../_internal/dom.js'
import { widgetError } from '../_internal/error.js'
import {
  createShare,
  fetchCard,
  fetchJsConfig,
  postEvent,
  type ShareCardData,
  type ShareChannel,
} from './api.js'
import { type ChannelContext, channels, shareUrl } from './channels.js'
import { openDialog } from './dialog.js'
import { drawPoster } from './poster.js'
import { stringsFor } from './strings.js'
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
  let generation = 0
  let closeDialog = () => {}
  let poster: Promise<File | null> | null = null
  let posterFile: File | null = null
  const attr = (name: string) => host.getAttribute(name) ?? ''
  const endpoint = () => attr('endpoint').replace(/\/+$/, '')
  const absolute = (url: string | null) => (url ? new URL(url, `${endpoint()}/`).href : null)

  const cx: ChannelContext = {
    t: stringsFor('en'),
    status: h('p', { class: 'status', role: 'status', 'aria-live': 'polite' }),
    dialog(input) {
      closeDialog()
      closeDialog = openDialog({ root, closeLabel: cx.t.close, ...input })
    },
    track(channel) {
      if (!card) return
      postEvent(endpoint(), card.token, channel)
      const detail = { channel, shareId: card.shareId }
      host.dispatchEvent(new CustomEvent('loopkit-share', { detail, bubbles: true, composed: true }))
    },
    poster() {
      const data = card!
      const style = getComputedStyle(host)
      poster ??= drawPoster(data, absolute(data.imageUrl), {
        accent: style.getPropertyValue('--loopkit-accent').trim() || '#07c160',
        font: style.fontFamily || 'sans-serif',
        caption: cx.t.scanPoster,
      }).then(
        (blob) => {
          posterFile = new File([blob], 'poster.png', { type: 'image/png' })
          return posterFile
        },
        () => null,
      )
      return poster
    },
    posterReady: () => posterFile,
  }

  const show = (...content: Node[]) => {
    closeDialog()
    root.replaceChildren(h('style', {}, styles), ...content)
  }

  const action = (channel: ShareChannel, label: string, data: ShareCardData) => {
    const onclick = () => {
      cx.track(channel)
      if (channel !== 'weibo' && channel !== 'qq') channels[channel](cx, data, button)
    }
    const attrs = { part: 'action', 'data-channel': channel, onclick }
    const button: HTMLElement =
      channel === 'weibo' || channel === 'qq'
        ? h(
            'a',
            { ...attrs, class: 'btn', href: shareUrl(channel, data), target: '_blank', rel: 'noopener' },
            label,
          )
        : h('button', { ...attrs, type: 'button' }, label)
    return button
  }

  const fail = (error: unknown, replace: boolean) => {
    if (replace) {
      const text = (error as { code?: string }).code === 'unauthorized' ? cx.t.login : cx.t.error
      show(h('p', { class: 'status', role: 'alert', part: 'error' }, text))
    }
    host.dispatchEvent(
      new CustomEvent('loopkit-share-error', { detail: { error }, bubbles: true, composed: true }),
    )
  }

  const render = (data: ShareCardData) => {
    const { t } = cx
    const wechat = wechatKind(navigator.userAgent)
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
            ? [action('wechat', t.friend, data), action('wechat-timeline', t.moments, data)]
            : [action('qr', t.wechat, data)]),
          typeof navigator.share === 'function' && action('web-share', t.more, data),
          action('copy', t.copy, data),
          action('weibo', t.weibo, data),
          action('qq', t.qq, data),
          action('poster', t.poster, data),
        ),
        cx.status,
      ),
    )
    // Web Share needs the file at the moment of the tap (the user activation expires while an
    // image loads), so the poster is drawn ahead of time where files can be shared at all.
    if (typeof navigator.canShare === 'function') void cx.poster()
    if (wechat === 'mobile') {
      // WeChat's ··· menu reads the share data set here, so it must be set before any tap.
      void Promise.all([
        loadWechatSdk(attr('wx-sdk') || defaultWechatSdk),
        fetchJsConfig(endpoint(), location.href),
      ])
        .then(([wx, config]) => configureWechat(wx, config, data, image ?? '', (e) => fail(e, false)))
        .catch((error: unknown) => fail(error, false))
    }
  }

  return {
    load() {
      const current = ++generation
      card = null
      poster = null
      posterFile = null
      cx.t = stringsFor(attr('lang') || navigator.language)
      cx.status.textContent = ''
      show(h('p', { class: 'status', role: 'status' }, cx.t.loading))
      const token = attr('token')
      const sku = attr('sku')
      const tokenFor = token
        ? Promise.resolve(token)
        : sku
          ? createShare(endpoint(), sku)
          : Promise.reject(widgetError('invalid_input', 'Set the `token` or `sku` attribute.'))
      tokenFor
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
