import { type Html, html, raw, t } from '../html.js'
import { layout, loginHref, type PageContext } from './layout.js'

/**
 * Reads `GET /loop/notifications` in the browser and lists what the buyer was told, polling while a
 * message is still pending in the outbox so the dispatcher's work shows up without a reload.
 */
const messagesScript = `
const list = document.getElementById('messages')
const empty = document.getElementById('messages-empty')
const statusText = { pending: ['待发送', 'pending'], sent: ['已送达', 'sent'], dead: ['发送失败', 'failed'] }
const el = (tag, props, ...children) => {
  const node = Object.assign(document.createElement(tag), props)
  node.append(...children)
  return node
}
async function refresh() {
  const res = await fetch('/loop/notifications')
  if (!res.ok) return
  const { notifications } = await res.json()
  empty.hidden = notifications.length > 0
  list.replaceChildren(...notifications.map((n) => {
    const [zh, en] = statusText[n.status] ?? [n.status, n.status]
    const badge = el('span', { className: 'badge ' + n.status, textContent: zh + ' ' + en })
    badge.dataset.status = n.status
    const item = el('li', {},
      el('h3', {}, n.message.title + ' ', badge),
      el('p', { textContent: n.message.body }),
      el('p', { className: 'meta', textContent: n.channel + ' · ' + n.message.topic + ' · ' + new Date(n.createdAt).toLocaleString() }))
    item.dataset.topic = n.message.topic
    return item
  }))
  if (notifications.some((n) => n.status === 'pending')) setTimeout(refresh, 1000)
}
refresh()
`

/** `/messages`: the buyer's notifications (order paid, shipped, refunded, referral rewards). */
export function messagesPage(ctx: PageContext): Html {
  return layout(ctx, {
    title: '消息 Messages',
    path: '/messages',
    body: ctx.viewer
      ? html`<h1>${t('我的消息', 'My messages')}</h1>
<p class="stock">${t('店铺发给你的每一条通知，以及它是否已送达。', 'Every notification the shop sent you, and whether it was delivered.')}</p>
<ul class="messages" id="messages"></ul>
<p id="messages-empty" hidden>${t('暂无消息。', 'No messages yet.')}</p>
<script type="module">${raw(messagesScript)}</script>`
      : html`<h1>${t('我的消息', 'My messages')}</h1>
<p class="notice">${t('登录后查看消息。', 'Log in to see your messages.')}</p>
<a class="btn" href="${loginHref(ctx, '/messages')}">${t('登录', 'Log in')}</a>`,
  })
}
