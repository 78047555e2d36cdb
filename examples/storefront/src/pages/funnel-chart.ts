import { type Html, raw } from '../html.js'

export interface FunnelStep {
  id: string
  zh: string
  en: string
  count: number
}

const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * The loop funnel as an inline SVG bar chart: one horizontal bar per step, scaled to the largest
 * step, with the count and the share of the step before it (how many made it to the next stage).
 */
export function funnelChart(steps: readonly FunnelStep[]): Html {
  const width = 720
  const labelWidth = 210
  const barArea = 360
  const rowHeight = 42
  const top = 10
  const height = top * 2 + rowHeight * steps.length
  const max = Math.max(1, ...steps.map((s) => s.count))
  const rows = steps.map((step, i) => {
    const y = top + i * rowHeight
    const w = step.count === 0 ? 2 : Math.max(4, Math.round((step.count / max) * barArea))
    const previous = i > 0 ? steps[i - 1]!.count : null
    const rate =
      previous === null ? '' : previous === 0 ? '—' : `${Math.round((step.count / previous) * 100)}%`
    // The bars darken from gold to vermilion as the loop goes round.
    const colour = i < 2 ? '#d9a441' : i < 4 ? '#c7703a' : '#b5452b'
    return `<g data-step="${step.id}" data-count="${step.count}">
<text x="${labelWidth - 12}" y="${y + 17}" text-anchor="end">${escapeXml(step.zh)}</text>
<text x="${labelWidth - 12}" y="${y + 33}" text-anchor="end" fill="#7a6a5c" font-size="11">${escapeXml(step.en)}</text>
<rect x="${labelWidth}" y="${y + 6}" width="${w}" height="${rowHeight - 14}" rx="5" fill="${colour}"><title>${escapeXml(step.en)}: ${step.count}</title></rect>
<text class="count" x="${labelWidth + w + 8}" y="${y + 25}">${step.count}</text>
${rate ? `<text x="${width - 8}" y="${y + 25}" text-anchor="end" fill="#7a6a5c" font-size="12">${rate}</text>` : ''}
</g>`
  })
  return raw(`<svg class="funnel" id="funnel" viewBox="0 0 ${width} ${height}" width="100%" role="img"
 aria-label="Loop funnel: ${steps.map((s) => `${s.en} ${s.count}`).join(', ')}" xmlns="http://www.w3.org/2000/svg">
<text x="${width - 8}" y="8" text-anchor="end" fill="#7a6a5c" font-size="10">vs. previous</text>
${rows.join('\n')}
</svg>`)
}
