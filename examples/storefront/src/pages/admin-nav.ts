import { type Html, html, t } from '../html.js'

const pages = [
  { path: '/admin', zh: '订单与消息', en: 'Orders' },
  { path: '/admin/analytics', zh: '经营数据', en: 'Analytics' },
  { path: '/admin/customers', zh: '客户', en: 'Customers' },
  { path: '/admin/campaigns', zh: '营销活动', en: 'Campaigns' },
] as const

/** The admin pages' own navigation; the current page is not a link. */
export function adminNav(current: (typeof pages)[number]['path']): Html {
  return html`<nav class="admin-nav" aria-label="admin">${pages.map((p) =>
    p.path === current
      ? html`<strong aria-current="page">${t(p.zh, p.en)}</strong>`
      : html`<a href="${p.path}">${t(p.zh, p.en)}</a>`,
  )}</nav>`
}
