import { escapeHtml, layoutPage, wantsHtml } from '../_internal/html-page.js'
import type { Runtime } from '../loop/runtime.js'

export { escapeHtml, wantsHtml }

/** What {@link htmlPage} renders: a status, a title, a message and some links, all plain text. */
export interface HtmlPageInput {
  status: number
  title: string
  /** Plain text; line breaks are kept (a bilingual message is one line per language). */
  message: string
  lang?: 'zh' | 'en'
  links?: { href: string; label: string }[]
}

/**
 * An HTML page for a browser: the title, the message (one paragraph, line breaks kept) and links,
 * all escaped, in the host's layout (`createLoop({ pages: { layout } })`) or Loopkit's own.
 *
 * @example
 * ```ts
 * if (wantsHtml(request)) {
 *   return htmlPage(rt, { status: 404, title: '链接无效 Link not valid', message: '…', links: [{ href: '/', label: 'Shop' }] })
 * }
 * ```
 */
export function htmlPage(rt: Runtime, input: HtmlPageInput): Response {
  const links = (input.links ?? [])
    .map((l) => `<a class="btn secondary" href="${escapeHtml(l.href)}">${escapeHtml(l.label)}</a>`)
    .join('')
  const body = `<h1>${escapeHtml(input.title)}</h1><p>${escapeHtml(input.message)}</p>${links ? `<p>${links}</p>` : ''}`
  return layoutPage(rt.options.pages?.layout, {
    status: input.status,
    title: input.title,
    body,
    lang: input.lang ?? 'zh',
  })
}
