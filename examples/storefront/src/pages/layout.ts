import { type Html, html, t } from '../html.js'
import type { PayChoice } from '../pay-choices.js'

/** Who is looking at a page, as `GET /loop/me` tells it (null: not logged in). */
export interface Viewer {
  id: string
  displayName: string | null
}

/** What every page knows besides its own data. */
export interface PageContext {
  viewer: Viewer | null
  /** The identity provider logins go through: `sandbox`, or `wechat` in the simulator mode. */
  loginProvider: string
  /** `sandbox` or `wechat-sim`, shown in the footer. */
  mode: string
  /** The ways to pay the checkout page offers (WeChat Pay, Alipay, Stripe). */
  pay: PayChoice[]
  /** The share token the visitor arrived with, passed on to login so the referral sticks. */
  share: string | null
  /** Why the last login did not happen (`denied`, `snapshot`), from the loop's `?login=` on return. */
  loginProblem: string | null
  /** The request carries the admin's credentials: only then does the nav link to `/admin`. */
  admin: boolean
}

/**
 * The loop's login URL: it returns to `returnTo` on this site and carries the share token the visitor
 * arrived with (the loop records who referred a new customer on their first login).
 */
export function loginHref(ctx: PageContext, returnTo: string): string {
  const q = new URLSearchParams({ returnTo })
  if (ctx.share) q.set('share', ctx.share)
  return `/loop/login/${ctx.loginProvider}?${q}`
}

/** The loop sends a refused login back with `?login=<reason>`; say what happened. */
function loginNotice(problem: string | null): Html | string {
  if (!problem) return ''
  const text =
    problem === 'snapshot'
      ? t(
          '你正在浏览朋友圈快照页，请点击“前往使用完整服务”后再登录。',
          'This is a Moments snapshot page: open the full page to log in.',
        )
      : problem === 'denied'
        ? t('你取消了授权，未登录。', 'You declined the authorization, so you are not logged in.')
        : t('登录未完成。', 'The login did not complete.')
  return html`<p class="notice error" id="login-problem">${text}</p>`
}

/** The page shell: header with navigation and login state, the content, a footer naming the mode. */
export function layout(ctx: PageContext, input: { title: string; path: string; body: Html }): Html {
  const viewer = ctx.viewer
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${input.title} · 金陵鸭铺 Jinling Duck Shop</title>
<link rel="stylesheet" href="/assets/site.css">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
</head>
<body>
<header class="site"><div class="bar">
  <a class="brand" href="/">金陵鸭铺<small>Jinling Duck Shop</small></a>
  <nav class="row">
    <a href="/">${t('商品', 'Shop')}</a>
    <a href="/orders">${t('订单', 'Orders')}</a>
    <a href="/messages">${t('消息', 'Messages')}</a>
    ${ctx.admin ? html`<a href="/admin" id="admin-link">${t('后台', 'Admin')}</a>` : ''}
  </nav>
  ${
    viewer
      ? html`<span class="who" id="viewer">${viewer.displayName ?? viewer.id}</span>
  <form method="post" action="/logout" class="logout"><button class="btn secondary">${t('退出', 'Log out')}</button></form>`
      : html`<a class="btn" id="login" href="${loginHref(ctx, input.path)}">${t('登录', 'Log in')}</a>`
  }
</div></header>
<main>
${loginNotice(ctx.loginProblem)}${input.body}
</main>
<footer>Loopkit storefront example · ${t('模式', 'mode')}: <code id="mode">${ctx.mode}</code> ·
${
  ctx.mode === 'sandbox'
    ? t('沙箱支付，不会扣款', 'sandbox payments: no money moves')
    : html`<a href="/wechat-sim" id="sim-link">${t('微信模拟器（本机）', 'WeChat simulator on loopback')}</a>`
}</footer>
</body>
</html>`
}

/** A page that says what went wrong, with the status the server answered. */
export function errorPage(ctx: PageContext, input: { title: string; message: Html; path: string }): Html {
  return layout(ctx, {
    title: input.title,
    path: input.path,
    body: html`<h1>${input.title}</h1><p class="notice error">${input.message}</p><p><a href="/">${t('返回商品', 'Back to the shop')}</a></p>`,
  })
}
