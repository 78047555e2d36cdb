import type { Cohort, SeriesPoint } from '@loopkit/core'
import { type Html, raw } from '../html.js'

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * Paid orders (bars) and net revenue (line) per day as an inline SVG. It scales with its box
 * (`width="100%"`, a viewBox), so it fits a 390 px phone without scrolling sideways.
 */
export function seriesChart(points: readonly SeriesPoint[], currency = 'CNY'): Html {
  const width = 720
  const height = 220
  const pad = { left: 36, right: 56, top: 12, bottom: 28 }
  const w = width - pad.left - pad.right
  const h = height - pad.top - pad.bottom
  const maxOrders = Math.max(1, ...points.map((p) => p.orders))
  const revenue = points.map((p) => p.revenue[currency] ?? 0)
  const maxRevenue = Math.max(1, ...revenue)
  const step = w / Math.max(1, points.length)
  const bars = points.map((p, i) => {
    const bh = Math.round((p.orders / maxOrders) * h)
    const x = pad.left + i * step
    return `<rect data-day="${p.day}" data-orders="${p.orders}" data-revenue="${revenue[i]}" x="${(x + step * 0.15).toFixed(1)}" y="${pad.top + h - bh}" width="${(step * 0.7).toFixed(1)}" height="${bh}" fill="#d9a441"><title>${p.day}: ${p.orders} · ¥${(revenue[i]! / 100).toFixed(2)}</title></rect>`
  })
  const line = points
    .map(
      (_, i) =>
        `${(pad.left + i * step + step / 2).toFixed(1)},${(pad.top + h - (revenue[i]! / maxRevenue) * h).toFixed(1)}`,
    )
    .join(' ')
  const first = points[0]?.day ?? ''
  const last = points[points.length - 1]?.day ?? ''
  return raw(`<svg id="series" class="chart" viewBox="0 0 ${width} ${height}" width="100%" role="img" xmlns="http://www.w3.org/2000/svg"
 aria-label="Paid orders and net revenue per day, ${esc(first)} to ${esc(last)}">
<line x1="${pad.left}" y1="${pad.top + h}" x2="${pad.left + w}" y2="${pad.top + h}" stroke="#cbb9a4"/>
${bars.join('\n')}
<polyline points="${line}" fill="none" stroke="#b5452b" stroke-width="2"/>
<text x="${pad.left - 6}" y="${pad.top + 10}" text-anchor="end" font-size="12" fill="#7a6a5c">${maxOrders}</text>
<text x="${pad.left + w + 6}" y="${pad.top + 10}" font-size="12" fill="#b5452b">¥${(maxRevenue / 100).toFixed(0)}</text>
<text x="${pad.left}" y="${height - 8}" font-size="12" fill="#7a6a5c">${esc(first)}</text>
<text x="${pad.left + w}" y="${height - 8}" text-anchor="end" font-size="12" fill="#7a6a5c">${esc(last)}</text>
</svg>`)
}

/** The cohort repurchase grid: one row per month, the rate as a shaded cell. */
export function cohortGrid(cohorts: readonly Cohort[]): Html {
  const days = (ms: number | null) => (ms === null ? '—' : `${(ms / 86_400_000).toFixed(1)} d`)
  const rows = cohorts.map((c) => {
    const alpha = (0.1 + c.repurchaseRate * 0.8).toFixed(2)
    return `<tr data-month="${esc(c.month)}"><td>${esc(c.month)}</td><td class="num buyers">${c.buyers}</td><td class="num repeaters">${c.repeaters}</td>
<td class="num rate" style="background:rgba(181,69,43,${alpha})">${Math.round(c.repurchaseRate * 100)}%</td><td class="num">${days(c.meanTimeToSecondOrderMs)}</td></tr>`
  })
  return raw(`<div class="table-wrap"><table id="cohorts"><thead><tr><th>Cohort</th><th class="num">Buyers</th><th class="num">Came back</th><th class="num">Rate</th><th class="num">To 2nd order</th></tr></thead>
<tbody>${rows.join('\n') || '<tr><td colspan="5" class="stock">—</td></tr>'}</tbody></table></div>`)
}
