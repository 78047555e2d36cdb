import type { Hono } from 'hono'
import { basicAuth } from 'hono/basic-auth'
import { adminData } from '../admin-data.js'
import { adminPage } from '../pages/admin.js'
import { pageContext, type ShopDeps } from './context.js'

/**
 * `/admin`. Open on loopback for the demo; set `adminPassword` (env `STOREFRONT_ADMIN_PASSWORD`) to
 * require HTTP basic auth as user `admin` before putting the shop anywhere others can reach.
 */
export function adminRoutes(app: Hono, deps: ShopDeps & { adminPassword: string | null }): void {
  if (deps.adminPassword) {
    app.use('/admin', basicAuth({ username: 'admin', password: deps.adminPassword }))
  }
  app.get('/admin', async (c) => {
    const [ctx, data] = await Promise.all([pageContext(deps, c), adminData(deps.loop)])
    c.header('cache-control', 'no-store')
    return c.html(adminPage(ctx, data))
  })
}
