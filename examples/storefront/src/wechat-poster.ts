import type { WechatAccessToken } from '@loopkit/wechat'
import { createQrCode } from '@loopkit/wechat'
import { encodeQr, qrSvg } from '@loopkit/widget'
import type { Hono } from 'hono'
import { productById } from './catalog.js'
import { type Html, html, raw, t, yuan } from './html.js'
import { errorPage, layout, type PageContext } from './pages/layout.js'
import { pageContext, type ShopDeps } from './routes/context.js'

/** A poster lives as long as its QR code: 30 days, WeChat's longest for a temporary code. */
const POSTER_SECONDS = 30 * 86_400

function posterPage(
  ctx: PageContext,
  input: {
    title: string
    price: string
    sku: string
    sharer: string
    svg: string
    ticket: string
    expires: number
  },
): Html {
  return layout(ctx, {
    title: '分享海报 Poster',
    path: `/products/${input.sku}`,
    body: html`<h1>${t('分享海报', 'Share poster')}</h1>
<section class="panel poster" id="poster" data-ticket="${input.ticket}">
<img src="/images/${input.sku}.svg" alt="" width="600" height="400">
<h2>${input.title} <span class="price">${input.price}</span></h2>
<p>${t(`${input.sharer} 推荐给你`, `Recommended by ${input.sharer}`)}</p>
<div class="poster-qr" id="poster-qr">${raw(input.svg)}</div>
<p class="stock">${t('微信扫码关注金陵鸭铺公众号，即可收到上新和优惠。', 'Scan with WeChat to follow the shop’s official account for new arrivals and offers.')}
${t('二维码有效期至', 'The code works until')} ${new Date(input.expires).toISOString().slice(0, 10)}.</p>
<p><a class="btn secondary" id="poster-scan" href="/wechat-sim/scan?ticket=${encodeURIComponent(input.ticket)}">${t('在模拟器里扫码', 'Scan it in the simulator')}</a></p>
</section>`,
  })
}

/**
 * `POST /posters` (`--wechat` mode): a logged-in buyer's share poster whose QR code is the official
 * account's parametric code for a new share token (`QR_STR_SCENE`, scene = the token). Scanning it
 * follows the account; the follow event carries `qrscene_<token>`, so the loop records the share
 * visit and the new follower joins the pool attributed to the sharer. Same-origin form posts only.
 */
export function posterRoutes(app: Hono, deps: ShopDeps, input: { tokens: WechatAccessToken }): void {
  app.post('/posters', async (c) => {
    const ctx = await pageContext(deps, c)
    const origin = c.req.header('origin')
    const form = await c.req.parseBody()
    const product = productById(typeof form.sku === 'string' ? form.sku : '')
    const sku = product ? await deps.loop.catalog.get(product.id) : null
    if ((origin !== undefined && origin !== deps.origin) || !ctx.viewer || !product || !sku?.active) {
      const message = t('请在商品页登录后生成海报。', 'Log in on a product page to make a poster.')
      return c.html(errorPage(ctx, { title: '400', message, path: '/' }), ctx.viewer ? 400 : 401)
    }
    const share = await deps.loop.shares.create({
      customerId: ctx.viewer.id,
      skuId: sku.id,
      channel: 'poster',
    })
    const qr = await createQrCode({ tokens: input.tokens, scene: share.token, expireSeconds: POSTER_SECONDS })
    c.header('cache-control', 'no-store')
    return c.html(
      posterPage(ctx, {
        title: `${product.zh} ${product.en}`,
        price: yuan(sku.price, sku.currency),
        sku: sku.id,
        sharer: ctx.viewer.displayName ?? '朋友',
        svg: qrSvg(encodeQr(qr.url), { margin: 4 }),
        ticket: qr.ticket,
        expires: Date.now() + (qr.expireSeconds ?? POSTER_SECONDS) * 1000,
      }),
    )
  })
}
