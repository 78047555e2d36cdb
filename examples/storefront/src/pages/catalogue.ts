import type { Sku } from '@loopkit/core'
import { productById, products } from '../catalog.js'
import { type Html, html, t, yuan } from '../html.js'
import { layout, type PageContext } from './layout.js'

/** Remaining stock as a short bilingual line. */
export function stockLine(sku: Sku): Html {
  if (sku.stock === null) return t('现货', 'In stock')
  if (sku.stock === 0) return t('已售罄', 'Sold out')
  return t(`库存 ${sku.stock}`, `${sku.stock} left`)
}

/** `/`: every product as a card with its picture, names, price and stock. */
export function cataloguePage(ctx: PageContext, input: { skus: Sku[] }): Html {
  // The shop's own order (the loop lists SKUs by id).
  const rank = (id: string) => {
    const i = products.findIndex((p) => p.id === id)
    return i === -1 ? products.length : i
  }
  const skus = [...input.skus].sort((a, b) => rank(a.id) - rank(b.id))
  const cards = skus.map((sku) => {
    const product = productById(sku.id)
    const href = `/products/${encodeURIComponent(sku.id)}${ctx.share ? `?share=${encodeURIComponent(ctx.share)}` : ''}`
    return html`<article class="card" data-sku="${sku.id}">
  <a href="${href}">
    <img src="/images/${sku.id}.svg" alt="${product?.en ?? sku.title}" width="600" height="400">
    <div class="body">
      <h2>${product ? t(product.zh, product.en) : sku.title}</h2>
      <div class="row"><span class="price">${yuan(sku.price, sku.currency)}</span><span class="stock">${stockLine(sku)}</span></div>
    </div>
  </a>
</article>`
  })
  return layout(ctx, {
    title: '商品 Shop',
    path: '/',
    body: html`<h1>${t('金陵风味', 'Tastes of Nanjing')}</h1>
<p>${t('登录、下单、收到通知、分享给朋友：朋友通过你的链接购买，你将获得奖励。', 'Log in, buy, get notified, share with a friend: when they buy through your link, you earn a reward.')}</p>
<div class="grid">${cards}</div>`,
  })
}
