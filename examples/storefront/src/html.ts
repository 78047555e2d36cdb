import { html, raw } from 'hono/html'

export { html, raw }

/** What `html\`…\`` returns: escaped markup, ready for `c.html()` or another template. */
export type Html = ReturnType<typeof html>

/**
 * A bilingual label: Chinese first, English after it, both visible (the shop's buyers read either).
 *
 * @example
 * ```ts
 * html`<h1>${t('购物车', 'Cart')}</h1>`
 * ```
 */
export function t(zh: string, en: string): Html {
  return html`<span class="zh" lang="zh-CN">${zh}</span> <span class="en" lang="en">${en}</span>`
}

/** Minor units (fen) as yuan for display: `6800` → `¥68.00`. Money never leaves integers until here. */
export function yuan(fen: number, currency = 'CNY'): string {
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  const value = `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
  return currency === 'CNY' ? `${sign}¥${value}` : `${sign}${currency} ${value}`
}

/** A timestamp as local `YYYY-MM-DD HH:mm:ss` (the admin page's tables). */
export function when(ms: number | null): string {
  if (ms === null) return '—'
  const d = new Date(ms)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}

/** JSON for an inline `<script>`: `<` is escaped so no value can close the script element. */
export function scriptJson(value: unknown): Html {
  return raw(JSON.stringify(value).replace(/</g, '\\u003c'))
}
