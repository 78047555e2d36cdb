import type { Cohort, Funnel, Loop, SeriesPoint, SharerRow, Virality } from '@loopkit/core'
import { type Html, html, t, yuan } from '../html.js'
import { adminNav } from './admin-nav.js'
import { cohortGrid, seriesChart } from './analytics-charts.js'
import { funnelChart } from './funnel-chart.js'
import { layout, type PageContext } from './layout.js'

/** What `/admin/analytics` shows, read through `loop.analytics` (rollups only). */
export interface AnalyticsData {
  series: SeriesPoint[]
  funnel: Funnel
  cohorts: Cohort[]
  leaders: SharerRow[]
  virality: Virality
  names: Map<string, string>
}

/** Reads the last 30 days (cohorts: every month so far) and the names of the sharers. */
export async function analyticsData(loop: Loop): Promise<AnalyticsData> {
  const [series, funnel, cohorts, leaders, virality] = await Promise.all([
    loop.analytics.series(),
    loop.analytics.funnel(),
    loop.analytics.cohorts({ from: '2000-01-01' }),
    loop.analytics.leaderboard({ limit: 10 }),
    loop.analytics.virality(),
  ])
  const names = new Map<string, string>()
  for (const r of leaders) {
    const c = await loop.customers.get(r.sharerId)
    names.set(r.sharerId, c?.displayName ?? r.sharerId)
  }
  return { series, funnel, cohorts, leaders, virality, names }
}

const labels: Record<string, [string, string]> = {
  visited: ['访客', 'Visitors'],
  logged_in: ['登录', 'Logged in'],
  checked_out: ['下单', 'Checked out'],
  paid: ['付款', 'Paid'],
  shared: ['分享', 'Shared'],
  friend_visited: ['好友访问', 'Friends visited'],
  friend_bought: ['好友购买', 'Friends bought'],
}

function leaderboard(d: AnalyticsData): Html {
  return html`<div class="table-wrap"><table id="leaderboard">
<thead><tr><th>${t('分享者', 'Sharer')}</th><th class="num">${t('访问', 'Visits')}</th><th class="num">${t('好友买家', 'Buyers')}</th><th class="num">${t('收入', 'Revenue')}</th><th class="num">${t('奖励', 'Rewards')}</th><th class="num">K</th></tr></thead>
<tbody>${
    d.leaders.length
      ? d.leaders.map(
          (
            r,
          ) => html`<tr data-sharer="${d.names.get(r.sharerId) ?? r.sharerId}"><td>${d.names.get(r.sharerId) ?? r.sharerId}</td>
<td class="num visits">${r.visits}</td><td class="num buyers">${r.buyers}</td><td class="num revenue">${yuan(r.revenue.CNY ?? 0)}</td>
<td class="num rewards">${yuan(r.rewards.CNY ?? 0)}</td><td class="num">${r.k.toFixed(2)}</td></tr>`,
        )
      : html`<tr><td colspan="6" class="stock">—</td></tr>`
  }</tbody></table></div>`
}

/** `/admin/analytics`: the daily chart, the people funnel, K, the cohort grid and the leaderboard. */
export function analyticsPage(ctx: PageContext, d: AnalyticsData): Html {
  const orders = d.series.reduce((a, p) => a + p.orders, 0)
  const revenue = d.series.reduce((a, p) => a + (p.revenue.CNY ?? 0), 0)
  const v = d.virality
  return layout(ctx, {
    title: '数据 Analytics',
    path: '/admin',
    body: html`<h1>${t('经营数据', 'Analytics')}</h1>
${adminNav('/admin/analytics')}<p class="stock">${t('最近 30 天', 'Last 30 days')}</p>
<div class="sections">
<section class="panel"><h2>${t('付款订单与净收入', 'Paid orders and net revenue')}</h2>
<p id="totals"><span class="orders" data-orders="${orders}">${orders}</span> ${t('单', 'orders')} · <span class="revenue" data-revenue="${revenue}">${yuan(revenue)}</span></p>
${seriesChart(d.series)}</section>
<section class="panel"><h2>${t('用户漏斗（人数）', 'People funnel')}</h2>${funnelChart(
      d.funnel.steps.map((s) => ({
        id: s.step,
        zh: labels[s.step]![0],
        en: labels[s.step]![1],
        count: s.people,
      })),
    )}</section>
<section class="panel" id="virality" data-k="${v.k}"><h2>${t('裂变系数 K', 'Viral coefficient K')}</h2>
<p><strong class="k">${v.k.toFixed(2)}</strong> = ${v.sharesPerBuyer.toFixed(2)} ${t('次分享/买家', 'shares per buyer')} × ${v.conversionsPerShare.toFixed(2)} ${t('好友买家/分享', 'friend buyers per share')}
${v.meanCycleTimeMs === null ? '' : html` · ${t('周期', 'cycle')} ${(v.meanCycleTimeMs / 3_600_000).toFixed(1)} h`}</p></section>
<section class="panel"><h2>${t('复购（按首单月份）', 'Repurchase by cohort')}</h2>${cohortGrid(d.cohorts)}</section>
<section class="panel"><h2>${t('分享者排行', 'Sharer leaderboard')}</h2>${leaderboard(d)}</section>
</div>`,
  })
}
