import { getConnInfo } from '@hono/node-server/conninfo'
import type { Loop } from '@loopkit/core'
import { type Context, Hono } from 'hono'
import { t } from './html.js'
import { errorPage } from './pages/layout.js'
import { adminRoutes } from './routes/admin.js'
import { assetRoutes } from './routes/assets.js'
import { pageContext, type ShopDeps } from './routes/context.js'
import { shopRoutes } from './routes/shop.js'

/**
 * Hands a request to the loop as a reverse proxy would: `x-forwarded-for` is the connecting peer
 * (whatever the client sent is dropped), which WeChat H5 payments need as the payer's IP.
 */
function toLoop(loop: Loop, c: Context): Promise<Response> {
  const request = new Request(c.req.raw)
  const peer = getConnInfo(c).remote.address
  if (peer) request.headers.set('x-forwarded-for', peer)
  else request.headers.delete('x-forwarded-for')
  return loop.fetch(request)
}

/**
 * The shop's Hono app: `loop.fetch` mounted at `/loop/*` for everything Loopkit does, then the
 * assets, the buyer's pages, the admin page and whatever pages the mode adds.
 */
export function shopApp(
  deps: ShopDeps & {
    modeRoutes: ((app: Hono, shop: ShopDeps) => void) | undefined
    log: (line: string) => void
  },
): Hono {
  const app = new Hono()
  const canonical = new URL(deps.origin).host
  // The loop's cookies and redirects name the public origin: a browser on `localhost` (or on
  // 127.0.0.1 when the shop is published on the LAN) is sent there first, so its cookies stick.
  app.use('*', async (c, next) => {
    const url = new URL(c.req.url)
    // Not behind a proxy or tunnel that rewrites Host (it says so in X-Forwarded-Host): that would loop.
    const proxied = c.req.header('x-forwarded-host') !== undefined
    if ((c.req.method === 'GET' || c.req.method === 'HEAD') && url.host !== canonical && !proxied) {
      return c.redirect(`${deps.origin}${url.pathname}${url.search}`, 307)
    }
    return next()
  })
  app.all('/loop', (c) => toLoop(deps.loop, c))
  app.all('/loop/*', (c) => toLoop(deps.loop, c))
  assetRoutes(app)
  shopRoutes(app, deps)
  adminRoutes(app, deps)
  deps.modeRoutes?.(app, deps)
  app.notFound(async (c) => {
    const ctx = await pageContext(deps, c)
    const message = t('页面不存在。', 'This page does not exist.')
    return c.html(errorPage(ctx, { title: '404', message, path: '/' }), 404)
  })
  app.onError((error, c) => {
    deps.log(`[storefront] ${c.req.method} ${c.req.path} failed: ${String(error.stack ?? error)}`)
    // The shop's look without asking the loop anything (it may be what failed).
    const ctx = {
      viewer: null,
      loginProvider: deps.loginProvider,
      mode: deps.mode,
      pay: deps.pay,
      share: null,
      loginProblem: null,
      admin: false,
    }
    const message = t('出了点问题，请稍后再试。', 'Something went wrong on our side; please try again.')
    return c.html(errorPage(ctx, { title: '500', message, path: '/' }), 500)
  })
  return app
}
