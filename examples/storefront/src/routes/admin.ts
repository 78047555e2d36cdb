import type { Hono } from 'hono'
import { ADMIN_USER, isAdmin } from '../admin-auth.js'
import { adminData } from '../admin-data.js'
import { t } from '../html.js'
import { adminPage } from '../pages/admin.js'
import { errorPage } from '../pages/layout.js'
import { pageContext, type ShopDeps } from './context.js'

/**
 * `/admin`: every buyer's name, orders and messages, so never open. HTTP basic auth as user `admin`
 * with the shop's admin password (`STOREFRONT_ADMIN_PASSWORD`, or one generated and printed at start),
 * compared in constant time. A refusal is the shop's own page, naming no buyer.
 */
export function adminRoutes(app: Hono, deps: ShopDeps): void {
  app.use('/admin', async (c, next) => {
    if (isAdmin(c.req.header('authorization'), deps.adminPassword)) return next()
    const ctx = await pageContext(deps, c)
    c.header('www-authenticate', `Basic realm="${ADMIN_USER}", charset="UTF-8"`)
    c.header('cache-control', 'no-store')
    const message = t(
      '后台需要管理员密码（用户名 admin，密码在启动时打印在终端里）。',
      'The admin page needs the admin password (user admin; the password is printed in the terminal at start).',
    )
    return c.html(errorPage(ctx, { title: '401', message, path: '/' }), 401)
  })
  app.get('/admin', async (c) => {
    const [ctx, data] = await Promise.all([pageContext(deps, c), adminData(deps.loop)])
    c.header('cache-control', 'no-store')
    return c.html(adminPage(ctx, data))
  })
}
