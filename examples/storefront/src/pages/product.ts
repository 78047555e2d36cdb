import type { Sku } from '@loopkit/core'
import type { Product } from '../catalog.js'
import { type Html, html, scriptJson, t, yuan } from '../html.js'
import { stockLine } from './catalogue.js'
import { layout, loginHref, type PageContext } from './layout.js'

/**
 * The share section. A logged-in buyer presses "Share" and only then gets a
 * `<loopkit-share-card sku>`: the card creates the share on the loop when it loads, so a share in the
 * funnel is a buyer who meant to share, not a page view.
 */
function shareSection(ctx: PageContext, input: { sku: Sku; endpoint: string; path: string }): Html {
  if (!ctx.viewer) {
    return html`<section class="panel" id="share">
  <h2>${t('分享给朋友', 'Share with friends')}</h2>
  <p>${t('朋友通过你的链接购买，你可获得订单金额 5% 的奖励。', 'When a friend buys through your link, you earn 5% of their order.')}</p>
  <a class="btn secondary" href="${loginHref(ctx, input.path)}">${t('登录后分享', 'Log in to share')}</a>
</section>`
  }
  return html`<section class="panel" id="share">
  <h2>${t('分享给朋友', 'Share with friends')}</h2>
  <p>${t('朋友通过你的链接购买，你可获得订单金额 5% 的奖励。', 'When a friend buys through your link, you earn 5% of their order.')}</p>
  <button class="btn secondary" type="button" id="share-open">${t('生成分享卡片', 'Create my share card')}</button>
  <div id="share-slot"></div>
  ${
    ctx.mode === 'wechat-sim'
      ? html`<form method="post" action="/posters" class="row"><input type="hidden" name="sku" value="${input.sku.id}">
  <button class="btn secondary" id="poster-open">${t('公众号二维码海报', 'Poster with the account’s QR code')}</button></form>`
      : ''
  }
</section>
<script type="module" src="/assets/widget.js"></script>
<script type="module">
const { endpoint, sku } = ${scriptJson({ endpoint: input.endpoint, sku: input.sku.id })}
document.getElementById('share-open').addEventListener('click', (event) => {
  event.currentTarget.remove()
  const card = document.createElement('loopkit-share-card')
  card.setAttribute('endpoint', endpoint)
  card.setAttribute('sku', sku)
  card.setAttribute('lang', 'zh-CN,en') // both, like the rest of the shop
  document.getElementById('share-slot').append(card)
})
</script>`
}

/** `/products/:id`: picture, names, story, price and stock, a buy form, and the share card. */
export function productPage(ctx: PageContext, input: { product: Product; sku: Sku; endpoint: string }): Html {
  const { product, sku } = input
  const path = `/products/${encodeURIComponent(sku.id)}`
  const soldOut = sku.stock === 0
  const max = Math.min(sku.stock ?? 99, 99)
  return layout(ctx, {
    title: `${product.zh} ${product.en}`,
    path,
    body: html`${
      ctx.share
        ? html`<p class="notice" id="referred">${t('你的朋友向你推荐了这件商品。', 'A friend recommended this to you.')}</p>`
        : ''
    }
<div class="hero">
  <img src="/images/${sku.id}.svg" alt="${product.en}" width="600" height="400">
  <div>
    <h1>${t(product.zh, product.en)}</h1>
    <p>${product.blurbZh}<br><span class="en">${product.blurbEn}</span></p>
    <p class="row"><span class="price" id="price">${yuan(sku.price, sku.currency)}</span><span class="stock" id="stock">${stockLine(sku)}</span></p>
    <form class="panel row" method="get" action="/checkout" id="buy-form">
      <input type="hidden" name="sku" value="${sku.id}">
      ${ctx.share ? html`<input type="hidden" name="share" value="${ctx.share}">` : ''}
      <label>${t('数量', 'Qty')} <input type="number" name="qty" value="1" min="1" max="${max}" ${soldOut ? 'disabled' : ''}></label>
      <button class="btn" id="buy" ${soldOut ? 'disabled' : ''}>${soldOut ? t('已售罄', 'Sold out') : t('立即购买', 'Buy now')}</button>
    </form>
    ${shareSection(ctx, { sku, endpoint: input.endpoint, path })}
  </div>
</div>`,
  })
}
