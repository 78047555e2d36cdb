import type { AdminData } from '../admin-data.js'
import { type Html, html, t, when, yuan } from '../html.js'
import { adminNav } from './admin-nav.js'
import { funnelChart } from './funnel-chart.js'
import { layout, type PageContext } from './layout.js'
import { statusBadge } from './order.js'

const empty = (cols: number) =>
  html`<tr><td colspan="${cols}" class="stock">${t('暂无', 'None yet')}</td></tr>`

function ordersTable(d: AdminData): Html {
  const name = (id: string) => d.names.get(id) ?? id
  return html`<div class="table-wrap"><table id="admin-orders">
<thead><tr><th>${t('订单号', 'Number')}</th><th>${t('买家', 'Buyer')}</th><th>${t('商品', 'Items')}</th><th class="num">${t('金额', 'Total')}</th>
<th>${t('状态', 'Status')}</th><th>${t('推荐人', 'Referred by')}</th><th>${t('下单', 'Placed')}</th></tr></thead>
<tbody>${
    d.orders.length
      ? d.orders.map(
          (o) => html`<tr data-order="${o.number}" data-buyer="${name(o.customerId)}">
<td><code>${o.number}</code></td><td class="buyer">${name(o.customerId)}</td>
<td>${o.lines.map((l) => `${l.title} ×${l.quantity}`).join(', ')}</td><td class="num">${yuan(o.total, o.currency)}</td>
<td>${statusBadge(o.status)}</td><td class="referrer">${o.attribution?.sharerId ? name(o.attribution.sharerId) : '—'}</td><td>${when(o.createdAt)}</td></tr>`,
        )
      : empty(7)
  }</tbody></table></div>`
}

function outboxTable(d: AdminData): Html {
  const { counts, rows } = d.outbox
  return html`<p class="tabs" id="outbox-counts">
<span class="badge pending">${t('待发送', 'pending')} ${counts.pending}</span>
<span class="badge sent">${t('已发送', 'sent')} ${counts.sent}</span>
<span class="badge dead">${t('死信', 'dead-lettered')} ${counts.dead}</span></p>
<div class="table-wrap"><table id="admin-outbox">
<thead><tr><th>${t('收件人', 'To')}</th><th>${t('渠道', 'Channel')}</th><th>${t('主题', 'Topic')}</th><th>${t('内容', 'Message')}</th>
<th>${t('状态', 'Status')}</th><th class="num">${t('尝试', 'Tries')}</th><th>${t('下次/错误', 'Next try / error')}</th></tr></thead>
<tbody>${
    rows.length
      ? rows.map(
          (n) => html`<tr data-topic="${n.message.topic}">
<td>${d.names.get(n.customerId) ?? n.customerId}</td><td><code>${n.channel}</code></td><td><code>${n.message.topic}</code></td>
<td>${n.message.title}<br><span class="stock">${n.message.body}</span></td>
<td><span class="badge ${n.status}">${n.status}</span></td><td class="num">${n.attempts}</td>
<td class="stock">${n.status === 'pending' ? when(n.nextAttemptAt) : ''}${n.lastError ? html`<br>${n.lastError}` : ''}</td></tr>`,
        )
      : empty(7)
  }</tbody></table></div>`
}

function sharesTable(d: AdminData): Html {
  return html`<div class="table-wrap"><table id="admin-shares">
<thead><tr><th>${t('分享者', 'Sharer')}</th><th>${t('商品', 'Product')}</th><th>${t('渠道', 'Channel')}</th><th class="num">${t('访问', 'Visits')}</th><th>${t('时间', 'Created')}</th></tr></thead>
<tbody>${
    d.shares.length
      ? d.shares.map(
          (
            s,
          ) => html`<tr data-share="${s.id}"><td>${d.names.get(s.customerId) ?? s.customerId}</td><td>${s.skuId ?? '—'}</td><td class="channels">${s.channels.length ? s.channels.join(' · ') : '—'}</td>
<td class="num">${s.visits}</td><td>${when(s.createdAt)}</td></tr>`,
        )
      : empty(5)
  }</tbody></table></div>`
}

function rewardsTable(d: AdminData): Html {
  const orderNumber = new Map(d.orders.map((o) => [o.id, o.number]))
  return html`<div class="table-wrap"><table id="admin-rewards">
<thead><tr><th>${t('分享者', 'Sharer')}</th><th>${t('订单', 'Order')}</th><th class="num">${t('奖励', 'Reward')}</th><th>${t('状态', 'Status')}</th><th>${t('解冻时间', 'Released at')}</th></tr></thead>
<tbody>${
    d.rewards.length
      ? d.rewards.map(
          (r) => html`<tr data-sharer="${d.names.get(r.sharerId) ?? r.sharerId}">
<td class="sharer">${d.names.get(r.sharerId) ?? r.sharerId}</td><td><code>${orderNumber.get(r.orderId) ?? r.orderId}</code></td>
<td class="num amount">${r.kind === 'coupon' ? r.coupon : yuan(r.amount, r.currency)}</td>
<td><span class="badge ${r.status}">${r.status}</span></td><td>${when(r.releaseAt)}</td></tr>`,
        )
      : empty(5)
  }</tbody></table></div>`
}

/** `/admin`: the funnel chart, then orders, the outbox, shares and rewards. */
export function adminPage(ctx: PageContext, data: AdminData): Html {
  return layout(ctx, {
    title: '后台 Admin',
    path: '/admin',
    body: html`<h1>${t('店铺后台', 'Shop admin')}</h1>
${adminNav('/admin')}
<div class="sections">
<section class="panel"><h2>${t('闭环漏斗', 'The loop funnel')}</h2>${funnelChart(data.funnel)}
<p class="stock" id="share-actions">${t('分享卡片操作', 'Share-card actions')}: ${
      Object.entries(data.shareActions).length
        ? Object.entries(data.shareActions).map(
            ([channel, n], i) => html`${i ? ' · ' : ''}<code>${channel}</code> ${n}`,
          )
        : '—'
    }</p></section>
<section class="panel"><h2>${t('订单', 'Orders')}</h2>${ordersTable(data)}</section>
<section class="panel"><h2>${t('消息发件箱', 'Outbox')}</h2>${outboxTable(data)}</section>
<section class="panel"><h2>${t('分享', 'Shares')}</h2>${sharesTable(data)}</section>
<section class="panel"><h2>${t('推荐奖励', 'Referral rewards')}</h2>${rewardsTable(data)}</section>
</div>`,
  })
}

/** What `/admin` answers without the password: a form that asks for it (401), and nothing about buyers. */
export function adminLoginPage(ctx: PageContext, input: { wrong: boolean }): Html {
  return layout(ctx, {
    title: '后台 Admin',
    path: '/',
    body: html`<h1>${t('店铺后台', 'Shop admin')}</h1>
<form class="panel admin-login" method="post" action="/admin/login">
${input.wrong ? html`<p class="notice error" id="admin-wrong" role="alert">${t('密码不正确。', 'That is not the password.')}</p>` : ''}
<label for="admin-password">${t('管理员密码', 'Admin password')}</label>
<input type="password" name="password" id="admin-password" autocomplete="current-password" required autofocus>
<button class="btn" id="admin-login">${t('进入后台', 'Open the admin')}</button>
<p class="stock">${t('密码在启动时打印在终端里，或由 STOREFRONT_ADMIN_PASSWORD 设置。', 'The password is printed in the terminal at start, or set with STOREFRONT_ADMIN_PASSWORD.')}</p>
</form>`,
  })
}
