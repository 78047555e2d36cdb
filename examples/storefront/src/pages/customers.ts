import type { AudienceFilter } from '@loopkit/core'
import { CSRF_FIELD } from '../admin-csrf.js'
import { FILTER_FIELDS, type FilterForm } from '../audience-form.js'
import type { CustomerRow, CustomersData } from '../customers-data.js'
import { type Html, html, raw, t, when, yuan } from '../html.js'
import { adminNav } from './admin-nav.js'
import { layout, type PageContext } from './layout.js'

const DAY = 86_400_000

/** "3 d ago", "today", or — for never. */
function ago(ms: number | null, now: number): string {
  if (ms === null) return '—'
  const days = Math.floor((now - ms) / DAY)
  return days <= 0 ? '今天 today' : `${days} 天前 d ago`
}

function row(r: CustomerRow, now: number): Html {
  const c = r.customer
  return html`<tr data-customer="${c.id}" data-name="${c.displayName ?? ''}">
<td class="name"><strong>${c.displayName ?? '—'}</strong><br><code>${c.id}</code></td>
<td class="providers">${c.identities.map((i) => i.provider).join(' · ') || '—'}</td>
<td class="followed">${c.followedAt === null ? (c.unfollowedAt === null ? '—' : html`<span class="badge dead">${t('已取关', 'left')}</span>`) : html`<span class="badge sent">${t('关注', 'follows')}</span> <span class="stock">${when(c.followedAt)}</span>`}</td>
<td class="tags">${c.tags.length ? c.tags.map((tag) => html`<code>${tag}</code> `) : '—'}</td>
<td class="num recency" data-label="R">${ago(r.lastPaidAt, now)}</td>
<td class="num frequency" data-label="F">${r.orders}</td>
<td class="num monetary" data-label="M">${yuan(r.spent)}</td>
<td class="interaction" data-label="互动 Seen">${ago(c.lastInteractionAt, now)}</td>
<td class="created" data-label="加入 Joined">${when(c.createdAt)}</td></tr>`
}

function field(form: FilterForm, name: keyof FilterForm, label: Html, attrs = ''): Html {
  // `attrs` are this file's own constants, never input.
  return html`<label>${label}<input name="${name}" id="f-${name}" value="${form[name]}" ${raw(attrs)}></label>`
}

/** The builder: a GET form, so a filter is a link; the count beside it follows every change. */
function builder(d: CustomersData, form: FilterForm): Html {
  const followed = form.followed || 'any'
  const opt = (value: string, label: Html) =>
    html`<option value="${value}" ${followed === value ? 'selected' : ''}>${label}</option>`
  return html`<form class="panel filter" id="filter" method="get" action="/admin/customers">
<h2>${t('筛选客户', 'Filter the pool')}</h2>
<label>${t('已保存的人群', 'Saved audience')}<select name="audience" id="f-audience">
<option value="">${t('— 按下列条件 —', '— by the conditions below —')}</option>
${d.audiences.map((a) => html`<option value="${a.id}" ${d.audience?.id === a.id ? 'selected' : ''}>${a.name ?? a.id} (${d.sizes.get(a.id) ?? 0})</option>`)}
</select></label>
<fieldset ${d.audience ? 'disabled' : ''}><div class="fields">
${field(form, 'tags', t('标签', 'Tags'), 'placeholder="vip, duck-lover"')}
<label>${t('关注公众号', 'Follows the account')}<select name="followed" id="f-followed">${opt('any', t('不限', 'any'))}${opt('yes', t('是', 'yes'))}${opt('no', t('否', 'no'))}</select></label>
${field(form, 'provider', t('登录方式', 'Identity provider'), 'placeholder="wechat"')}
${field(form, 'minOrders', t('订单数 ≥', 'Orders at least'), 'inputmode="numeric"')}
${field(form, 'maxOrders', t('订单数 ≤', 'Orders at most'), 'inputmode="numeric"')}
${field(form, 'minSpent', t('消费 ≥ ¥', 'Spent at least ¥'), 'inputmode="decimal"')}
${field(form, 'orderedWithin', t('N 天内下单', 'Ordered within N days'), 'inputmode="numeric"')}
${field(form, 'createdWithin', t('N 天内加入', 'Joined within N days'), 'inputmode="numeric"')}
${field(form, 'interactedWithin', t('N 天内互动', 'Interacted within N days'), 'inputmode="numeric"')}
</div></fieldset>
<p class="row"><button class="btn" id="apply-filter">${t('筛选', 'Apply')}</button>
<span id="live-count" aria-live="polite"><strong id="audience-count" data-count="${d.count}">${d.count}</strong> / ${d.total} ${t('位客户', 'customers')}</span></p>
</form>`
}

function saveForm(d: CustomersData, form: FilterForm, csrf: string): Html {
  if (d.audience) return html``
  return html`<form class="panel row" id="save-audience" method="post" action="/admin/audiences">
<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">
${FILTER_FIELDS.map((f) => html`<input type="hidden" name="${f}" value="${form[f]}">`)}
<label>${t('人群 ID', 'Audience id')} <input name="id" id="audience-id" required placeholder="vip-buyers"></label>
<label>${t('名称', 'Name')} <input name="name" id="audience-name" maxlength="128"></label>
<button class="btn secondary" id="save-audience-button">${t('保存为人群', 'Save as audience')}</button></form>`
}

/** Fetches the count for the builder's current fields while the admin types (the form works without it). */
const liveCount = `
const form = document.getElementById('filter')
const out = document.getElementById('audience-count')
const audience = document.getElementById('f-audience')
let timer
form.addEventListener('input', () => {
  // A saved audience replaces the conditions: they grey out, as on the server-drawn page.
  form.querySelector('fieldset').disabled = audience.value !== ''
  clearTimeout(timer)
  timer = setTimeout(async () => {
    const q = new URLSearchParams(new FormData(form))
    const res = await fetch('/admin/customers/count?' + q, { headers: { accept: 'application/json' } })
    const body = await res.json()
    out.textContent = res.ok ? String(body.count) : '?'
    out.dataset.count = res.ok ? String(body.count) : ''
    out.title = res.ok ? '' : body.error.message
  }, 250)
})
`

/** `/admin/customers`: the filter builder with its live count, "save as audience", and the pool a page at a time. */
export function customersPage(
  ctx: PageContext,
  input: {
    data: CustomersData
    form: FilterForm
    csrf: string
    query: string
    now: number
    saved?: string | null
  },
): Html {
  const { data: d, now } = input
  const nextHref = d.next
    ? `/admin/customers?${new URLSearchParams({ ...Object.fromEntries(new URLSearchParams(input.query)), after: d.next })}`
    : null
  return layout(ctx, {
    title: '客户 Customers',
    path: '/admin',
    body: html`<h1>${t('客户', 'Customers')}</h1>${adminNav('/admin/customers')}
${input.saved ? html`<p class="notice" id="audience-saved">${t('已保存人群', 'Saved audience')} <code>${input.saved}</code></p>` : ''}
${builder(d, input.form)}
<details class="stock"><summary>${t('筛选条件 (JSON)', 'The filter (JSON)')}</summary><pre id="filter-json">${JSON.stringify(d.where satisfies AudienceFilter | null)}</pre></details>
${saveForm(d, input.form, input.csrf)}
<section class="panel"><div class="table-wrap"><table id="customers">
<thead><tr><th>${t('客户', 'Customer')}</th><th>${t('登录方式', 'Provider')}</th><th>${t('关注', 'Follows')}</th><th>${t('标签', 'Tags')}</th>
<th class="num">${t('最近购买', 'Recency')}</th><th class="num">${t('订单', 'Frequency')}</th><th class="num">${t('消费', 'Monetary')}</th>
<th>${t('最近互动', 'Last interaction')}</th><th>${t('加入', 'Joined')}</th></tr></thead>
<tbody>${d.rows.length ? d.rows.map((r) => row(r, now)) : html`<tr><td colspan="9" class="stock">${t('没有符合条件的客户', 'Nobody matches')}</td></tr>`}</tbody></table></div>
${nextHref ? html`<p><a class="btn secondary" id="next-page" href="${nextHref}">${t('下一页', 'Next page')} →</a></p>` : ''}</section>
<script type="module">${raw(liveCount)}</script>`,
  })
}
