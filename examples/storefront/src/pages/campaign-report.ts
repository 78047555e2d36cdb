import type { CampaignPreview, CampaignReport, Customer } from '@loopkit/core'
import { CSRF_FIELD } from '../admin-csrf.js'
import { type Html, html, t, when, yuan } from '../html.js'
import { adminNav } from './admin-nav.js'
import { campaignBadge } from './campaigns.js'
import { layout, type PageContext } from './layout.js'

const reasons = (id: string, counts: Record<string, number>): Html => {
  const entries = Object.entries(counts)
  return html`<ul class="reasons" id="${id}">${
    entries.length
      ? entries.map(
          ([reason, n]) =>
            html`<li data-reason="${reason}"><code>${reason}</code> <strong>${n}</strong></li>`,
        )
      : html`<li class="stock">—</li>`
  }</ul>`
}

const figure = (id: string, label: Html, value: number | string, raw: number | string = value) =>
  html`<div class="figure" id="${id}" data-value="${raw}"><strong>${value}</strong><span>${label}</span></div>`

/** Net revenue per currency, as text; and CNY fen for the page's data attribute. */
function revenueText(revenue: Record<string, number>): { text: string; fen: number } {
  const entries = Object.entries(revenue)
  return {
    text: entries.length ? entries.map(([cur, n]) => yuan(n, cur)).join(' + ') : yuan(0),
    fen: revenue.CNY ?? 0,
  }
}

/** The channel id of the official account's mass send, as the shop's `--wechat` mode names it. */
const MASS = 'wechat-mass'

/**
 * The mass sends (群发) of a campaign whose plan names them: jobs WeChat accepted, their recipients,
 * and what its `MASSSENDJOBFINISH` reports said (a refusal such as the daily quota shows above, as
 * fell back: `quota_exceeded`).
 */
function massSendSection(r: CampaignReport): Html {
  if (!r.campaign.channels.includes(MASS) && r.massSend.jobs === 0) return html``
  const m = r.massSend
  return html`<h3>${t('公众号群发', 'Official-account mass send')}</h3>
<div class="figures" id="report-mass">
${figure('report-mass-jobs', t('群发任务', 'jobs'), m.jobs)}
${figure('report-mass-recipients', t('收件人', 'recipients'), m.recipients)}
${figure('report-mass-finished', t('已回报', 'finished'), m.finished)}
${figure('report-mass-sent', t('送达', 'sent'), m.sent)}
${figure('report-mass-errors', t('失败', 'errors'), m.errors)}
</div>
<p class="stock">${t('微信在群发完成后推送 MASSSENDJOBFINISH，送达与失败数来自它；配额用尽时（45028）每人改用下一渠道。', 'WeChat pushes MASSSENDJOBFINISH when a mass send is done: sent and errors come from it. When the daily quota is spent (45028) each member gets the next channel of the plan.')}</p>`
}

function reportSection(r: CampaignReport): Html {
  const money = revenueText(r.revenue)
  return html`<section class="panel" id="report"><h2>${t('效果', 'Report')}</h2>
<div class="figures">
${figure('report-reach', t('可触达', 'reach'), r.reach)}
${figure('report-sent', t('已送达', 'sent'), r.sent)}
${figure('report-failed', t('失败', 'failed'), r.failed)}
${figure('report-pending', t('待发送', 'pending'), r.pending)}
${figure('report-unreachable', t('无渠道', 'no channel'), r.unreachable)}
</div>
<h3>${t('跳过（原因）', 'Skipped, by reason')}</h3>${reasons('report-skipped', r.skipped)}
<h3>${t('转备选渠道（原因）', 'Fell back, by reason')}</h3>${reasons('report-fell-back', r.fellBack)}
<h3>${t('按渠道送达', 'Sent, by channel')}</h3>${reasons('report-by-channel', r.byChannel)}
${massSendSection(r)}
<h3>${t('带来的访问与订单', 'What its link brought')}</h3>
<div class="figures">
${figure('report-clicks', t('点击的人', 'people clicked'), r.clicks)}
${figure('report-orders', t('订单', 'orders'), r.orders)}
${figure('report-buyers', t('买家', 'buyers'), r.buyers)}
${figure('report-revenue', t('净收入', 'net revenue'), money.text, money.fen)}
</div>
<p class="stock">${t('最后点击归因：活动链接之后的付款订单；退款从收入中扣除。', 'Last touch: paid orders after a click on the campaign link; refunds come off the revenue.')}</p>
</section>`
}

/** What the admin needs to see why a member is or is not reached: their accounts and follow state. */
function reachFacts(c: Customer | undefined): Html {
  if (!c) return html`—`
  const follows = c.followedAt !== null ? t('关注中', 'follows') : t('未关注', 'not following')
  return html`${c.identities.map((i) => i.provider).join(' · ') || '—'} · ${follows}`
}

function previewSection(p: CampaignPreview, members: Map<string, Customer>): Html {
  const reached = Object.values(p.routing.byChannel).reduce((a, b) => a + b, 0)
  const scope = p.routing.exact ? t('全部', 'Of all of them') : t('前一万人中', 'Of the first 10,000')
  return html`<section class="panel" id="preview"><h2>${t('预览', 'Preview')}</h2>
<p>${t('人群现有', 'The audience holds')} <strong id="preview-members" data-value="${p.members}">${p.members}</strong> ${t('人。', 'people.')}
${scope}: <strong id="preview-reached" data-value="${reached}">${reached}</strong> ${t('人有渠道可达', 'would get it')}
(${Object.entries(p.routing.byChannel).map(([channel, n], i) => html`${i ? ', ' : ''}<code>${channel}</code> <span data-channel="${channel}">${n}</span>`)}),
<strong id="preview-unreached" data-value="${p.routing.unreachable}">${p.routing.unreachable}</strong> ${t('人没有（未关注或无此渠道的身份）', 'would not (not following, or no identity on any channel of the plan)')}.</p>
<p class="stock">${t('频次上限、免打扰时段和授权在发送时逐条判断，结果见下方效果。', 'Frequency caps, quiet hours and consent are decided per message at send time; the report below shows each decision.')}</p>
<div class="table-wrap"><table id="preview-sample"><thead><tr><th>${t('客户', 'Customer')}</th><th>${t('渠道', 'Channel')}</th><th>${t('账号与关注', 'Accounts, follows')}</th></tr></thead>
<tbody>${p.sample.map(
    (
      s,
    ) => html`<tr data-customer="${s.customerId}"><td>${members.get(s.customerId)?.displayName ?? s.customerId}</td>
<td>${s.channel ? html`<code>${s.channel}</code>` : html`<span class="badge dead">${t('无法触达', 'unreachable')}</span>`}</td>
<td class="stock">${reachFacts(members.get(s.customerId))}</td></tr>`,
  )}</tbody></table></div>
<p class="stock">${t('消息', 'Message')}: <strong>${p.message.title}</strong> — ${p.message.body}${p.message.url ? html` · <code>${p.message.url}</code>` : ''}</p></section>`
}

function actions(r: CampaignReport, csrf: string): Html {
  const c = r.campaign
  const button = (action: 'send' | 'cancel', label: Html, cls = 'btn') =>
    html`<form method="post" action="/admin/campaigns/${c.id}/${action}"><input type="hidden" name="${CSRF_FIELD}" value="${csrf}"><button class="${cls}" id="campaign-${action}">${label}</button></form>`
  return html`<div class="row actions">
${c.status === 'draft' || c.status === 'sending' ? button('send', c.status === 'draft' ? t('发送', 'Send') : t('继续发送', 'Resume sending')) : ''}
${c.status !== 'cancelled' && (c.status !== 'sent' || r.pending > 0) ? button('cancel', t('取消', 'Cancel'), 'btn secondary') : ''}
</div>`
}

/** `/admin/campaigns/:id`: the campaign, its preview while a draft, send and cancel, and its report. */
export function campaignReportPage(
  ctx: PageContext,
  input: {
    report: CampaignReport
    preview: CampaignPreview | null
    /** The preview's sample members, by id. */
    members: Map<string, Customer>
    /** The campaign's signed link (`/loop/c/…`), when its message has a URL. */
    link: string | null
    csrf: string
  },
): Html {
  const r = input.report
  const c = r.campaign
  return layout(ctx, {
    title: `${c.name ?? c.message.title} · 活动 Campaign`,
    path: '/admin',
    body: html`<h1>${c.name ?? c.message.title}</h1>${adminNav('/admin/campaigns')}
<section class="panel" id="campaign" data-campaign="${c.id}">
<p class="row">${campaignBadge(c.status)} <span class="stock">${t('人群', 'audience')} <code>${c.audienceId}</code> · ${t('渠道', 'channels')} ${c.channels.map((ch) => html`<code>${ch}</code> `)}· ${t('创建', 'created')} ${when(c.createdAt)}${c.startedAt ? html` · ${t('开始发送', 'sent')} ${when(c.startedAt)}` : ''}</span></p>
<p><strong>${c.message.title}</strong><br>${c.message.body}${c.message.url ? html`<br><code>${c.message.url}</code>` : ''}</p>
${input.link ? html`<p class="stock">${t('活动链接（海报、朋友圈里同样计数）', 'Campaign link (counts the same on a poster or a post)')}: <code id="campaign-link">${input.link}</code></p>` : ''}
${actions(r, input.csrf)}</section>
${input.preview ? previewSection(input.preview, input.members) : ''}
${reportSection(r)}
<p><a href="/admin/campaigns">← ${t('全部活动', 'All campaigns')}</a></p>`,
  })
}
