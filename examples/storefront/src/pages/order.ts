import type { Order, OrderStatus } from '@loopkit/core'
import { type Html, html, raw, t, when, yuan } from '../html.js'
import { layout, type PageContext } from './layout.js'

const statusNames: Record<OrderStatus, [string, string]> = {
  pending: ['待付款', 'Awaiting payment'],
  paid: ['已付款', 'Paid'],
  fulfilled: ['已发货', 'Shipped'],
  expired: ['已过期', 'Expired'],
  cancelled: ['已取消', 'Cancelled'],
  refunded: ['已退款', 'Refunded'],
  partially_refunded: ['部分退款', 'Partly refunded'],
}

/** An order status as a coloured, bilingual badge. */
export function statusBadge(status: string): Html {
  const [zh, en] = statusNames[status as OrderStatus] ?? [status, status]
  return html`<span class="badge ${status}" data-status="${status}">${t(zh, en)}</span>`
}

/** While the order is pending (paid elsewhere, webhook on its way), reload when the loop says it is paid. */
const pollScript = (id: string) => `
const timer = setInterval(async () => {
  const res = await fetch('/loop/orders/${encodeURIComponent(id)}')
  if (res.ok && (await res.json()).order.status !== 'pending') { clearInterval(timer); location.reload() }
}, 1000)`

/** `/orders/:id`: one order of the logged-in buyer, as `GET /loop/orders/:id` answers it. */
export function orderPage(ctx: PageContext, input: { order: Order }): Html {
  const { order } = input
  return layout(ctx, {
    title: `订单 Order ${order.number}`,
    path: `/orders/${order.id}`,
    body: html`<h1>${t('订单', 'Order')} <code id="order-number">${order.number}</code> <span id="order-status">${statusBadge(order.status)}</span></h1>
${
  order.status === 'paid'
    ? html`<p class="notice">${t('付款成功！付款通知已发送到你的消息。', 'Payment received! A notification is on its way to your messages.')}
  <a href="/messages">${t('查看消息', 'See messages')}</a></p>`
    : ''
}
<div class="panel">
  <table>
    <thead><tr><th>${t('商品', 'Item')}</th><th class="num">${t('数量', 'Qty')}</th><th class="num">${t('小计', 'Subtotal')}</th></tr></thead>
    <tbody>${order.lines.map(
      (l) =>
        html`<tr><td>${l.title}</td><td class="num">${l.quantity}</td><td class="num">${yuan(l.unitPrice * l.quantity, order.currency)}</td></tr>`,
    )}</tbody>
    <tfoot><tr><th colspan="2">${t('合计', 'Total')}</th><th class="num price">${yuan(order.total, order.currency)}</th></tr></tfoot>
  </table>
  <p class="stock">${t('下单时间', 'Placed')} ${when(order.createdAt)} · ${t('付款时间', 'Paid')} ${when(order.paidAt)} ·
  ${t('支付方式', 'Provider')} <code>${order.provider}</code>
  ${order.attribution ? html` · ${t('经朋友分享购买', 'Bought through a friend’s link')}` : ''}</p>
</div>
<p class="row"><a class="btn secondary" href="/orders">${t('我的订单', 'My orders')}</a>
<a class="btn secondary" href="/">${t('继续购物', 'Keep shopping')}</a></p>
${order.status === 'pending' ? html`<script type="module">${raw(pollScript(order.id))}</script>` : ''}`,
  })
}

/** `/orders`: the buyer's orders, newest first. */
export function ordersPage(ctx: PageContext, input: { orders: Order[] }): Html {
  return layout(ctx, {
    title: '我的订单 My orders',
    path: '/orders',
    body: html`<h1>${t('我的订单', 'My orders')}</h1>
${
  input.orders.length === 0
    ? html`<p>${t('还没有订单。', 'No orders yet.')} <a href="/">${t('去逛逛', 'Browse the shop')}</a></p>`
    : html`<div class="panel table-wrap"><table id="orders">
  <thead><tr><th>${t('订单号', 'Number')}</th><th>${t('商品', 'Items')}</th><th class="num">${t('金额', 'Total')}</th><th>${t('状态', 'Status')}</th><th>${t('时间', 'Placed')}</th></tr></thead>
  <tbody>${input.orders.map(
    (
      o,
    ) => html`<tr><td><a href="/orders/${o.id}"><code>${o.number}</code></a></td><td>${o.lines.map((l) => `${l.title} ×${l.quantity}`).join(', ')}</td>
    <td class="num">${yuan(o.total, o.currency)}</td><td>${statusBadge(o.status)}</td><td>${when(o.createdAt)}</td></tr>`,
  )}</tbody></table></div>`
}`,
  })
}
