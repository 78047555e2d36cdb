import type { Audience, Campaign } from '@loopkit/core'
import { CSRF_FIELD } from '../admin-csrf.js'
import type { CampaignForm } from '../campaign-form.js'
import { type Html, html, t, when } from '../html.js'
import { adminNav } from './admin-nav.js'
import { layout, type PageContext } from './layout.js'

const statusText: Record<Campaign['status'], [string, string]> = {
  draft: ['草稿', 'draft'],
  sending: ['发送中', 'sending'],
  sent: ['已发出', 'sent'],
  cancelled: ['已取消', 'cancelled'],
}

/** A campaign's status as a badge (the outbox's colours: sent green, cancelled red, the rest amber). */
export function campaignBadge(status: Campaign['status']): Html {
  const [zh, en] = statusText[status]
  const colour = status === 'sent' ? 'sent' : status === 'cancelled' ? 'cancelled' : 'pending'
  return html`<span class="badge ${colour}" data-status="${status}">${zh} ${en}</span>`
}

function table(campaigns: Campaign[], names: Map<string, string>): Html {
  return html`<div class="table-wrap"><table id="campaigns">
<thead><tr><th>${t('活动', 'Campaign')}</th><th>${t('状态', 'Status')}</th><th>${t('人群', 'Audience')}</th><th class="num">${t('已排队', 'Queued')}</th><th>${t('创建', 'Created')}</th></tr></thead>
<tbody>${
    campaigns.length
      ? campaigns.map(
          (c) => html`<tr data-campaign="${c.id}">
<td><a href="/admin/campaigns/${c.id}">${c.name ?? c.message.title}</a><br><span class="stock">${c.message.title}</span></td>
<td>${campaignBadge(c.status)}</td><td data-label="人群 Audience">${names.get(c.audienceId) ?? c.audienceId}</td>
<td class="num" data-label="已排队 Queued">${c.queued}</td><td data-label="创建 Created">${when(c.createdAt)}</td></tr>`,
        )
      : html`<tr><td colspan="5" class="stock">${t('还没有活动', 'No campaigns yet')}</td></tr>`
  }</tbody></table></div>`
}

function createForm(input: {
  audiences: Audience[]
  sizes: Map<string, number>
  channels: readonly string[]
  form: CampaignForm
  csrf: string
  origin: string
}): Html {
  const f = input.form
  const channelSelect = (
    i: number,
  ) => html`<select name="channel" id="channel-${i}" ${i === 0 ? 'required' : ''}>
${i === 0 ? '' : html`<option value="">${t('— 无 —', '— none —')}</option>`}
${input.channels.map((id) => html`<option value="${id}" ${(f.channels[i] ?? (i === 0 ? input.channels[0] : '')) === id ? 'selected' : ''}>${id}</option>`)}</select>`
  return html`<form class="panel campaign-form" id="new-campaign" method="post" action="/admin/campaigns">
<h2>${t('新建活动', 'New campaign')}</h2>
<input type="hidden" name="${CSRF_FIELD}" value="${input.csrf}">
<label>${t('人群', 'Audience')}<select name="audience" id="campaign-audience" required>
${input.audiences.map((a) => html`<option value="${a.id}" ${f.audience === a.id ? 'selected' : ''}>${a.name ?? a.id} (${input.sizes.get(a.id) ?? 0})</option>`)}</select></label>
<label>${t('活动名（仅后台可见）', 'Name (admin only)')}<input name="name" id="campaign-name" maxlength="200" value="${f.name}"></label>
<label>${t('标题', 'Title')}<input name="title" id="campaign-title" required maxlength="200" value="${f.title}"></label>
<label>${t('正文', 'Body')}<textarea name="body" id="campaign-body" required maxlength="2000" rows="3">${f.body}</textarea></label>
<label>${t('链接（本店页面）', 'Link (a page of the shop)')}<input name="url" id="campaign-url" value="${f.url}" placeholder="/products/salted-duck"></label>
<fieldset><legend>${t('渠道（首选，其后为备选）', 'Channels (first choice, then fallbacks)')}</legend>
<div class="row">${input.channels.map((_, i) => channelSelect(i))}</div></fieldset>
<p class="stock">${t('创建后先预览：有多少人会收到，哪些人不会以及原因；然后再发送。', 'After creating you see a preview — who would get it and who would not, and why — before you send.')}</p>
<button class="btn" id="create-campaign">${t('创建并预览', 'Create and preview')}</button></form>`
}

/** The link to the next (older) page, when there is one. */
function olderLink(next: string | null): Html {
  return next
    ? html`<p><a class="btn secondary" id="older-campaigns" href="/admin/campaigns?after=${encodeURIComponent(next)}">${t('更早的活动', 'Older campaigns')}</a></p>`
    : html``
}

/** `/admin/campaigns`: the campaigns newest first, a page at a time, and the form for a new one. */
export function campaignsPage(
  ctx: PageContext,
  input: {
    campaigns: Campaign[]
    /** The cursor of the next (older) page, or null after the last. */
    next: string | null
    audiences: Audience[]
    sizes: Map<string, number>
    channels: readonly string[]
    form: CampaignForm
    csrf: string
    origin: string
  },
): Html {
  const names = new Map(input.audiences.map((a) => [a.id, a.name ?? a.id]))
  return layout(ctx, {
    title: '营销活动 Campaigns',
    path: '/admin',
    body: html`<h1>${t('营销活动', 'Campaigns')}</h1>${adminNav('/admin/campaigns')}
<section class="panel"><h2>${t('全部活动', 'All campaigns')}</h2>${table(input.campaigns, names)}${olderLink(input.next)}</section>
${createForm(input)}`,
  })
}
