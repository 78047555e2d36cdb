import type { Order } from '@loopkit/core'
import type { Hono } from 'hono'
import { productById } from '../catalog.js'
import { t } from '../html.js'
import { cataloguePage } from '../pages/catalogue.js'
import { checkoutPage } from '../pages/checkout.js'
import { errorPage, loginHref } from '../pages/layout.js'
import { messagesPage } from '../pages/messages.js'
import { orderPage, ordersPage } from '../pages/order.js'
import { productPage } from '../pages/product.js'
import { browserKind } from '../pay-choices.js'
import { askLoop, countVisit, pageContext, type ShopDeps } from './context.js'

/** The buyer's pages: catalogue, product, checkout, orders, messages, logout. */
export function shopRoutes(app: Hono, deps: ShopDeps): void {
  const { loop } = deps

  app.get('/', async (c) => {
    const ctx = await pageContext(deps, c)
    await countVisit(deps, c, ctx.viewer)
    return c.html(cataloguePage(ctx, { skus: await loop.catalog.list() }))
  })

  app.get('/products/:id', async (c) => {
    const ctx = await pageContext(deps, c)
    const product = productById(c.req.param('id'))
    const sku = product ? await loop.catalog.get(product.id) : null
    if (!product || !sku?.active) {
      const message = t('没有这件商品。', 'There is no such product.')
      return c.html(errorPage(ctx, { title: '404', message, path: c.req.path }), 404)
    }
    await countVisit(deps, c, ctx.viewer)
    return c.html(productPage(ctx, { product, sku, endpoint: `${deps.origin}/loop` }))
  })

  app.get('/checkout', async (c) => {
    const ctx = await pageContext(deps, c)
    const product = productById(c.req.query('sku') ?? '')
    const sku = product ? await loop.catalog.get(product.id) : null
    const quantity = Number(c.req.query('qty') ?? '1')
    if (!product || !sku?.active || !Number.isInteger(quantity) || quantity < 1 || quantity > 99) {
      const message = t('请从商品页下单（数量 1–99）。', 'Start from a product page (quantity 1–99).')
      return c.html(errorPage(ctx, { title: '结算 Checkout', message, path: '/' }), 400)
    }
    const path = `/checkout?sku=${encodeURIComponent(sku.id)}&qty=${quantity}`
    const browser = browserKind(c.req.header('user-agent'))
    return c.html(checkoutPage(ctx, { product, sku, quantity, path, browser }))
  })

  // Where the pay page sends the buyer back: the idempotency key of the checkout finds the order.
  app.get('/orders/return', async (c) => {
    const key = c.req.query('key') ?? ''
    const res = await askLoop(deps, c, '/orders')
    if (!res.ok) return c.redirect('/orders')
    const { orders } = (await res.json()) as { orders: Order[] }
    const order = orders.find((o) => o.idempotencyKey === key)
    return c.redirect(order ? `/orders/${order.id}` : '/orders')
  })

  app.get('/orders', async (c) => {
    const ctx = await pageContext(deps, c)
    if (!ctx.viewer) return c.redirect(loginHref(ctx, '/orders'))
    const res = await askLoop(deps, c, '/orders')
    const { orders } = (await res.json()) as { orders: Order[] }
    return c.html(ordersPage(ctx, { orders }))
  })

  app.get('/orders/:id', async (c) => {
    const ctx = await pageContext(deps, c)
    if (!ctx.viewer) return c.redirect(loginHref(ctx, c.req.path))
    const res = await askLoop(deps, c, `/orders/${encodeURIComponent(c.req.param('id'))}`)
    if (!res.ok) {
      const message = t('没有这个订单。', 'There is no such order.')
      return c.html(errorPage(ctx, { title: '订单 Order', message, path: c.req.path }), 404)
    }
    const { order } = (await res.json()) as { order: Order }
    return c.html(orderPage(ctx, { order }))
  })

  app.get('/messages', async (c) => c.html(messagesPage(await pageContext(deps, c))))

  app.post('/logout', async (c) => {
    const res = await askLoop(deps, c, '/logout', { method: 'POST' })
    const cleared = res.headers.get('set-cookie')
    if (cleared) c.header('set-cookie', cleared)
    return c.redirect('/', 303)
  })
}
