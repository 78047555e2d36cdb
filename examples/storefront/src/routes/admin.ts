import type { Context, Hono } from 'hono'
import { setCookie } from 'hono/cookie'
import { ADMIN_COOKIE, ADMIN_SESSION_MS, adminSession, isAdminRequest, sameSecret } from '../admin-auth.js'
import { adminData } from '../admin-data.js'
import { adminLoginPage, adminPage } from '../pages/admin.js'
import { analyticsData, analyticsPage } from '../pages/analytics.js'
import { adminCampaignRoutes } from './admin-campaigns.js'
import { adminCustomerRoutes } from './admin-customers.js'
import { pageContext, type ShopDeps } from './context.js'

/**
 * `/admin` shows every buyer's name, orders and messages, so it is never open: the admin password
 * (`STOREFRONT_ADMIN_PASSWORD`, or one generated and printed at start) is asked on a form and compared
 * in constant time; success sets an HttpOnly, SameSite=Strict cookie for 12 hours. Scripts may send
 * HTTP basic auth as user `admin` instead. A refusal is the password form, naming no buyer.
 */
export function adminRoutes(app: Hono, deps: ShopDeps): void {
  const refuse = async (c: Context, wrong: boolean) => {
    c.header('cache-control', 'no-store')
    return c.html(adminLoginPage(await pageContext(deps, c), { wrong }), 401)
  }

  app.get('/admin', async (c) => {
    if (!isAdminRequest(deps, c)) return refuse(c, false)
    const [ctx, data] = await Promise.all([pageContext(deps, c), adminData(deps.loop)])
    c.header('cache-control', 'no-store')
    return c.html(adminPage(ctx, data))
  })

  app.get('/admin/analytics', async (c) => {
    if (!isAdminRequest(deps, c)) return refuse(c, false)
    const [ctx, data] = await Promise.all([pageContext(deps, c), analyticsData(deps.loop)])
    c.header('cache-control', 'no-store')
    return c.html(analyticsPage(ctx, data))
  })

  app.post('/admin/login', async (c) => {
    const form = await c.req.parseBody()
    const password = typeof form.password === 'string' ? form.password : ''
    if (!sameSecret(password, deps.adminPassword)) return refuse(c, true)
    setCookie(c, ADMIN_COOKIE, adminSession(deps.adminPassword), {
      path: '/',
      httpOnly: true,
      sameSite: 'Strict',
      secure: deps.origin.startsWith('https:'),
      maxAge: ADMIN_SESSION_MS / 1000,
    })
    return c.redirect('/admin', 303)
  })

  adminCustomerRoutes(app, deps)
  adminCampaignRoutes(app, deps)
}
