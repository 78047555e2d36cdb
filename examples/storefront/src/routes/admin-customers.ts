import { isLoopError, loopError } from '@loopkit/core'
import type { Hono } from 'hono'
import { isAdminRequest } from '../admin-auth.js'
import { csrfToken } from '../admin-csrf.js'
import { audienceFromForm, filterForm } from '../audience-form.js'
import { customersData } from '../customers-data.js'
import { NEW_FOLLOWERS } from '../new-followers.js'
import { customersPage } from '../pages/customers.js'
import { adminForm, adminProblem, refuseAdmin } from './admin-guard.js'
import { pageContext, type ShopDeps } from './context.js'

const CURSOR = /^[A-Za-z0-9_:.-]{1,128}$/

/**
 * `/admin/customers`: the pool with its filter builder; `/admin/customers/count` answers the
 * builder's live count as JSON; `POST /admin/audiences` saves the builder's filter as an audience.
 */
export function adminCustomerRoutes(app: Hono, deps: ShopDeps): void {
  const { loop } = deps

  app.get('/admin/customers', async (c) => {
    if (!isAdminRequest(deps, c)) return refuseAdmin(deps, c)
    const q = c.req.query()
    const form = filterForm(q)
    const after = q.after && CURSOR.test(q.after) ? q.after : null
    const now = Date.now()
    try {
      const [ctx, data] = await Promise.all([
        pageContext(deps, c),
        customersData(loop, { form, audience: q.audience ?? '', after, now }),
      ])
      c.header('cache-control', 'no-store')
      const query = new URL(c.req.url).search.slice(1)
      const saved = q.saved && data.audience?.id === q.saved ? q.saved : null
      return c.html(customersPage(ctx, { data, form, csrf: csrfToken(deps, c), query, now, saved }))
    } catch (error) {
      return adminProblem(deps, c, error)
    }
  })

  app.get('/admin/customers/count', async (c) => {
    c.header('cache-control', 'no-store')
    if (!isAdminRequest(deps, c))
      return c.json({ error: { code: 'unauthorized', message: 'Admin only.' } }, 401)
    const q = c.req.query()
    try {
      if (q.audience) return c.json({ count: await loop.audiences.count(q.audience) })
      const where = audienceFromForm(filterForm(q), Date.now())
      return c.json({ count: await loop.customers.count({ where }) })
    } catch (error) {
      if (!isLoopError(error)) throw error
      const body = { error: { code: error.code, message: error.message, issues: error.issues ?? [] } }
      return c.json(body, error.code === 'not_found' ? 404 : 400)
    }
  })

  app.post('/admin/audiences', async (c) => {
    const checked = await adminForm(deps, c)
    if ('refused' in checked) return checked.refused
    const { form } = checked
    try {
      const where = audienceFromForm(filterForm(form), Date.now())
      // The shop re-defines this one before each use: a saved filter under its id would not last.
      if (form.id === NEW_FOLLOWERS)
        throw loopError(
          'storefront',
          'invalid_input',
          `Audience id \`${NEW_FOLLOWERS}\` is the shop's own.`,
          {
            issues: [{ path: ['id'], message: 'is reserved', code: 'custom' }],
          },
        )
      const name = typeof form.name === 'string' && form.name.trim() ? form.name : null
      const audience = await loop.audiences.define({ id: String(form.id ?? ''), where, name })
      const q = new URLSearchParams({ audience: audience.id, saved: audience.id })
      return c.redirect(`/admin/customers?${q}`, 303)
    } catch (error) {
      return adminProblem(deps, c, error)
    }
  })
}
