import { escapeHtml, type PageLayoutInput } from '@loopkit/core'

/**
 * The shop's look for the pages Loopkit itself answers (a broken share link, the sandbox login and
 * pay pages): passed to `createLoop({ pages: { layout } })`. `body` is already escaped by the loop;
 * the title is plain text and escaped here.
 */
export function loopPageLayout(input: PageLayoutInput): string {
  return `<!doctype html>
<html lang="${input.lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)} · 金陵鸭铺 Jinling Duck Shop</title>
<link rel="stylesheet" href="/assets/site.css">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
</head>
<body>
<header class="site"><div class="bar"><a class="brand" href="/">金陵鸭铺<small>Jinling Duck Shop</small></a></div></header>
<main class="loop-page"><div class="panel">${input.body}</div></main>
</body>
</html>`
}
