import type { WechatSimulator } from '@loopkit/testing'
import type { Hono } from 'hono'
import { type Html, html, t, when } from './html.js'

/** The simulator's default users, and what picking each shows. */
const defaultUsers = [
  { name: 'alice', label: '小丽 (alice)', note: 'snsapi_userinfo, unionid' },
  { name: 'bob', label: 'Bob (bob)', note: 'snsapi_userinfo, unionid' },
  {
    name: 'snapshot',
    label: '朋友圈快照访客 Snapshot visitor',
    note: 'is_snapshotuser=1: the loop refuses it as a buyer',
  },
  { name: 'refuser', label: '拒绝授权 Refuses', note: 'no code: the login is denied' },
]

const NAME = /^[A-Za-z0-9_-]{1,24}$/

function shell(title: string, body: Html): Html {
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<link rel="stylesheet" href="/assets/site.css"><link rel="icon" href="/favicon.svg" type="image/svg+xml"><style>body{--accent:#07c160}</style></head>
<body><main style="max-width:760px">${body}</main></body></html>`
}

/** The official account's mass-send jobs (as `MASSSENDJOBFINISH` reports them) and what each follower got. */
function massSection(sim: WechatSimulator): Html {
  const jobs = [...sim.oa.jobs].reverse()
  const got = sim.oa.delivered.filter((d) => d.kind === 'mass')
  return html`<section class="panel"><h2>${t('群发任务', 'Mass sends')}</h2><div class="table-wrap"><table id="sim-mass-jobs">
<thead><tr><th>msg_id</th><th>clientmsgid</th><th class="num">TotalCount</th><th class="num">SentCount</th><th class="num">ErrorCount</th><th>${t('收到的人', 'Received by')}</th><th>${t('时间', 'At')}</th></tr></thead>
<tbody>${jobs.map(
    (
      j,
    ) => html`<tr data-msg-id="${j.msgId}" data-total="${j.totalCount}" data-sent="${j.sentCount}" data-errors="${j.errorCount}">
<td><code>${j.msgId}</code></td><td><code>${j.clientMsgId}</code></td><td class="num">${j.totalCount}</td><td class="num">${j.sentCount}</td><td class="num">${j.errorCount}</td>
<td>${got.filter((d) => d.msgId === j.msgId).map((d) => html`<span class="sim-mass-user" data-user="${d.user}">${d.user}</span> `)}</td><td>${when(j.at)}</td></tr>`,
  )}</tbody></table></div></section>`
}

/**
 * Pages that stand in for the parts of WeChat a person sees: the authorize page (pick who you are,
 * then the simulator issues a real OAuth code), and a window onto the simulator (template messages
 * it delivered, payment callbacks it sent, merchant API calls it answered, mass sends and who received them).
 */
export function wechatSimRoutes(app: Hono, deps: { sim: WechatSimulator; origin: string }): void {
  const { sim } = deps
  const added: string[] = []

  // `wechatLogin({ authorizeBaseUrl })` sends the browser here with WeChat's exact query.
  app.get('/wechat-sim/connect/oauth2/authorize', (c) => {
    const query = new URL(c.req.url).search.slice(1)
    const pick = (name: string) =>
      `${sim.url}/connect/oauth2/authorize?${query}&sim_user=${encodeURIComponent(name)}`
    const users = [
      ...defaultUsers,
      ...added.map((name) => ({ name, label: name, note: 'added in this session' })),
    ]
    return c.html(
      shell(
        '微信授权 WeChat authorization',
        html`<h1>${t('微信授权（模拟器）', 'WeChat authorization (simulator)')}</h1>
<p class="notice">${t('金陵鸭铺申请获得你的昵称和头像。', 'Jinling Duck Shop asks for your nickname and avatar.')}
<span class="stock">appid <code>${c.req.query('appid') ?? ''}</code> · scope <code>${c.req.query('scope') ?? ''}</code></span></p>
<div class="panel"><h2>${t('选择微信用户', 'Who are you?')}</h2>
<ul class="messages">${users.map(
          (u) =>
            html`<li class="row"><a class="btn" data-sim-user="${u.name}" href="${pick(u.name)}">${u.label}</a><span class="stock">${u.note}</span></li>`,
        )}</ul>
<form method="post" action="/wechat-sim/users" class="row">
<input type="hidden" name="query" value="${query}">
<label>${t('新用户', 'New user')} <input name="name" id="sim-new-user" pattern="[A-Za-z0-9_-]{1,24}" required placeholder="carol"></label>
<button class="btn secondary" id="sim-add-user">${t('以新用户登录', 'Log in as a new user')}</button></form></div>`,
      ),
    )
  })

  app.post('/wechat-sim/users', async (c) => {
    const form = await c.req.parseBody()
    const name = String(form.name ?? '')
    const query = String(form.query ?? '')
    if (!NAME.test(name)) return c.text('A simulated user name is 1–24 of A–Z, a–z, 0–9, _ and -.', 400)
    if (!added.includes(name) && !defaultUsers.some((u) => u.name === name)) {
      sim.open.addUser({ name, nickname: name })
      added.push(name)
    }
    return c.redirect(
      `${sim.url}/connect/oauth2/authorize?${query}&sim_user=${encodeURIComponent(name)}`,
      303,
    )
  })

  // A poster's "scan": a simulated WeChat user scans the parametric QR code (ticket) with their phone,
  // and the simulator pushes `subscribe` + `qrscene_<token>` (or `SCAN` for a follower) to the shop.
  app.get('/wechat-sim/scan', (c) => {
    const ticket = c.req.query('ticket') ?? ''
    const users = [
      ...defaultUsers.filter((u) => u.name === 'alice' || u.name === 'bob'),
      ...added.map((name) => ({ name, label: name })),
    ]
    return c.html(
      shell(
        '扫码 Scan',
        html`<h1>${t('用微信扫码（模拟器）', 'Scan with WeChat (simulator)')}</h1>
<form method="post" action="/wechat-sim/scan" class="panel" id="sim-scan">
<input type="hidden" name="ticket" value="${ticket}">
<p class="stock">ticket <code>${ticket.slice(0, 16)}…</code></p>
<label>${t('谁在扫码', 'Who scans')} <input name="user" id="sim-scan-user" list="sim-scan-users" pattern="[A-Za-z0-9_-]{1,24}" required placeholder="carol"></label>
<datalist id="sim-scan-users">${users.map((u) => html`<option value="${u.name}">${u.label}</option>`)}</datalist>
<button class="btn" id="sim-scan-button">${t('扫码', 'Scan')}</button></form>`,
      ),
    )
  })

  app.post('/wechat-sim/scan', async (c) => {
    const form = await c.req.parseBody()
    const name = String(form.user ?? '')
    const ticket = String(form.ticket ?? '')
    if (!NAME.test(name)) return c.text('A simulated user name is 1–24 of A–Z, a–z, 0–9, _ and -.', 400)
    if (!added.includes(name) && !defaultUsers.some((u) => u.name === name)) {
      sim.open.addUser({ name, nickname: name })
      added.push(name)
    }
    try {
      const result = await sim.oa.scan({ user: name, ticket })
      return c.redirect(
        `/wechat-sim?scanned=${encodeURIComponent(name)}&answer=${encodeURIComponent(result.attempts.join(','))}`,
        303,
      )
    } catch (error) {
      return c.text(String((error as Error).message), 400)
    }
  })

  app.get('/wechat-sim', (c) => {
    const messages = [...sim.open.messages].reverse()
    const deliveries = [...sim.pay.deliveries].reverse()
    const requests = [...sim.pay.requests].reverse().slice(0, 30)
    return c.html(
      shell(
        '微信模拟器 WeChat simulator',
        html`<h1>${t('微信模拟器', 'WeChat simulator')}</h1>
<p class="stock"><code>${sim.url}</code> · ${t('公众号', 'official account')} <code>${sim.open.officialAccount.appid}</code> ·
${t('商户号', 'merchant')} <code>${sim.pay.mchid}</code> · <a href="/">${t('返回店铺', 'Back to the shop')}</a></p>
<section class="panel"><h2>${t('模板消息', 'Template messages delivered')}</h2><div class="table-wrap"><table id="sim-messages">
<thead><tr><th>${t('用户', 'User')}</th><th>${t('模板', 'Template')}</th><th>${t('内容', 'Data')}</th><th>${t('链接', 'Link')}</th><th>${t('时间', 'At')}</th></tr></thead>
<tbody>${messages.map(
          (
            m,
          ) => html`<tr data-user="${m.user}" data-template="${m.templateId}"><td>${m.user}</td><td><code>${m.templateId}</code></td>
<td>${Object.entries(m.data).map(([k, v]) => html`<code>${k}</code> ${v}<br>`)}</td>
<td>${m.url ? html`<a class="sim-message-link" href="${m.url}">${t('打开', 'Open')}</a>` : '—'}</td><td>${when(m.at)}</td></tr>`,
        )}</tbody></table></div></section>
${massSection(sim)}
<section class="panel"><h2>${t('支付回调', 'Payment callbacks sent')}</h2><div class="table-wrap"><table id="sim-deliveries">
<thead><tr><th>${t('事件', 'Event')}</th><th>URL</th><th class="num">${t('次数', 'Try')}</th><th>${t('结果', 'Answer')}</th><th>${t('时间', 'At')}</th></tr></thead>
<tbody>${deliveries.map(
          (
            d,
          ) => html`<tr data-event="${d.eventType}"><td><code>${d.eventType}</code> ${d.kind}</td><td><code>${new URL(d.url).pathname}</code></td>
<td class="num">${d.attempt}</td><td><span class="badge ${d.acked ? 'sent' : 'dead'}">${d.status ?? d.error ?? '—'}</span></td><td>${when(d.at)}</td></tr>`,
        )}</tbody></table></div></section>
<section class="panel"><h2>${t('商户 API 调用', 'Merchant API calls')}</h2><div class="table-wrap"><table>
<thead><tr><th>${t('请求', 'Request')}</th><th class="num">${t('状态', 'Status')}</th><th>${t('错误码', 'Code')}</th></tr></thead>
<tbody>${requests.map((r) => html`<tr><td><code>${r.method} ${r.url}</code></td><td class="num">${r.status}</td><td>${r.code ?? ''}</td></tr>`)}</tbody></table></div></section>`,
      ),
    )
  })
}
