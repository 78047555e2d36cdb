import type { Runtime } from '../loop/runtime.js'

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * True when the client prefers an HTML page to JSON: a browser navigating (its `Accept` lists
 * `text/html` before, or with a higher quality than, `application/json`). `fetch()` and API
 * clients, which send `*\/*` or `application/json`, get JSON.
 *
 * @example
 * ```ts
 * wantsHtml(new Request('https://shop.example/loop/x', { headers: { accept: 'text/html,*\/*;q=0.8' } })) // true
 * ```
 */
export function wantsHtml(request: Request): boolean {
  const accept = request.headers.get('accept')
  if (!accept) return false
  let html = -1
  let json = -1
  for (const [i, part] of accept.split(',').entries()) {
    const [type, ...params] = part.split(';').map((x) => x.trim().toLowerCase())
    const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? 1)
    // Ties go to the earlier entry, as browsers list what they prefer first.
    const weight = (Number.isFinite(q) ? q : 0) * 1000 - i
    if (type === 'text/html' && weight > html) html = weight
    if (type === 'application/json' && weight > json) json = weight
  }
  return html > 0 && html > json
}

/**
 * A small, self-contained HTML page for outcomes a person sees in a browser (a refused login
 * callback). Every text is escaped; links are the caller's own (already checked) URLs.
 *
 * @example
 * ```ts
 * return htmlPage(rt, { status: 403, title: 'Login refused', message: 'Start the login again.', links: [{ href: '/', label: 'Home' }] })
 * ```
 */
export function htmlPage(
  rt: Runtime,
  input: {
    status: number
    title: string
    message: string
    lang?: 'zh' | 'en'
    links?: { href: string; label: string }[]
  },
): Response {
  void rt
  const links = (input.links ?? [])
    .map((l) => `<a href="${escapeHtml(l.href)}">${escapeHtml(l.label)}</a>`)
    .join(' · ')
  const html = `<!doctype html><html lang="${input.lang === 'zh' ? 'zh-CN' : 'en'}"><meta charset="utf-8">
<meta name="viewport" content="width=device-width"><title>${escapeHtml(input.title)}</title>
<body style="font-family:system-ui;max-width:32rem;margin:3rem auto;padding:0 1rem">
<h1>${escapeHtml(input.title)}</h1><p>${escapeHtml(input.message)}</p>${links ? `<p>${links}</p>` : ''}</body></html>`
  return new Response(html, {
    status: input.status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  })
}
