import type { PageLayout, PageLayoutInput } from '../loop/options.js'

/**
 * Escapes text for HTML content and attribute values (both quote kinds).
 *
 * @example
 * ```ts
 * escapeHtml(`Anne O'Brien <b>`) // 'Anne O&#39;Brien &#60;b&#62;'
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** The `q` a media range gets from an Accept header: the most specific matching entry wins. */
function quality(accept: string, type: string): number {
  const [major] = type.split('/')
  let best = { specificity: -1, q: 0 }
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';')
    const specificity = range === type ? 2 : range === `${major}/*` ? 1 : range === '*/*' ? 0 : -1
    if (specificity < best.specificity || specificity < 0) continue
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    const q = qParam ? Number(qParam.slice(2)) : 1
    best = { specificity, q: Number.isFinite(q) ? q : 0 }
  }
  return best.q
}

/**
 * Whether the client prefers an HTML page to JSON: a browser navigating (`Accept: text/html,…`)
 * does; `fetch()` (which accepts any type equally), API clients and a missing header get JSON.
 *
 * @example
 * ```ts
 * wantsHtml(new Request(url, { headers: { accept: 'text/html,application/xhtml+xml;q=0.9' } })) // true
 * wantsHtml(new Request(url, { headers: { accept: 'application/json' } })) // false
 * wantsHtml(new Request(url)) // false
 * ```
 */
export function wantsHtml(request: Request): boolean {
  const accept = request.headers.get('accept')
  if (!accept) return false
  const html = quality(accept, 'text/html')
  return html > 0 && html > quality(accept, 'application/json')
}

const defaultStyle = `*{box-sizing:border-box}
body{margin:0;background:#f7f5f0;color:#222;font:16px/1.6 system-ui,-apple-system,"PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Microsoft YaHei",sans-serif;overflow-wrap:anywhere}
main{max-width:32rem;margin:2.5rem auto;padding:1.5rem 1.25rem;background:#fff;border:1px solid #e4ded3;border-radius:12px}
@media (max-width:36rem){main{margin:0;border-width:0 0 1px;border-radius:0;min-height:100vh}}
h1{font-size:1.35rem;margin:0 0 .8rem;line-height:1.3}
p{margin:0 0 1rem;white-space:pre-line}
a{color:#b5452b}
label{display:block;margin:0 0 .4rem;font-weight:600}
input{width:100%;font:inherit;padding:.6rem .7rem;border:1px solid #cfc6b8;border-radius:8px;margin:0 0 1rem}
button,.btn{display:inline-block;font:inherit;font-weight:600;border:0;border-radius:999px;padding:.65rem 1.4rem;background:#b5452b;color:#fff;cursor:pointer;text-decoration:none;margin:0 .5rem .5rem 0}
button.secondary,.btn.secondary{background:transparent;color:#b5452b;border:1.5px solid #b5452b}
.muted{color:#6b6258;font-size:.9rem}
.error{background:#fdecea;border:1px solid #f5c2bd;color:#b42318;border-radius:8px;padding:.6rem .8rem}
.amount{font-size:1.6rem;font-weight:700}
code{background:#f1ece4;border-radius:4px;padding:0 .3rem}`

/**
 * Loopkit's own page shell: self-contained (inline style, no assets), responsive, with side padding
 * on a phone and a font stack that falls back to a CJK font.
 */
export function defaultLayout(input: PageLayoutInput): string {
  return `<!doctype html><html lang="${input.lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(input.title)}</title>
<style>${defaultStyle}</style></head><body><main>${input.body}</main></body></html>`
}

/**
 * A page of trusted markup in the host's layout (or Loopkit's own). `body` must already be escaped;
 * this is what the sandbox pages use, while {@link htmlPage} escapes everything itself.
 */
export function layoutPage(
  layout: PageLayout | undefined,
  input: { status: number; title: string; body: string; lang?: 'zh' | 'en' },
): Response {
  const html = (layout ?? defaultLayout)({ title: input.title, body: input.body, lang: input.lang ?? 'zh' })
  return new Response(html, {
    status: input.status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  })
}
