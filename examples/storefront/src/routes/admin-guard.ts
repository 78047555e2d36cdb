import { isLoopError } from '@loopkit/core'
import type { Context } from 'hono'
import { isAdminRequest } from '../admin-auth.js'
import { adminPostOk } from '../admin-csrf.js'
import { t } from '../html.js'
import { adminLoginPage } from '../pages/admin.js'
import { errorPage } from '../pages/layout.js'
import { pageContext, type ShopDeps } from './context.js'

/** The password form, 401, naming nobody: what every admin page answers without the password. */
export async function refuseAdmin(deps: ShopDeps, c: Context, wrong = false): Promise<Response> {
  c.header('cache-control', 'no-store')
  return c.html(adminLoginPage(await pageContext(deps, c), { wrong }), 401)
}

/**
 * Reads an admin POST form and checks it (credentials, same origin, CSRF token): the form, or the
 * response to send instead — 401 without credentials, 403 for a form another site made. Nothing
 * has been changed either way.
 */
export async function adminForm(
  deps: ShopDeps,
  c: Context,
): Promise<{ form: Record<string, unknown> } | { refused: Response }> {
  if (!isAdminRequest(deps, c)) return { refused: await refuseAdmin(deps, c) }
  const form = (await c.req.parseBody({ all: true })) as Record<string, unknown>
  if (!adminPostOk(deps, c, form)) {
    const ctx = await pageContext(deps, c)
    const message = t(
      '表单已过期或来自其他网站，未做任何更改。请刷新页面后重试。',
      'This form expired or came from another site; nothing was changed. Reload the page and try again.',
    )
    return { refused: await c.html(errorPage(ctx, { title: '403', message, path: '/admin' }), 403) }
  }
  return { form }
}

/** A `LoopError` the admin caused (a bad filter, a missing campaign) as a page with its status; others are rethrown. */
export async function adminProblem(deps: ShopDeps, c: Context, error: unknown): Promise<Response> {
  if (!isLoopError(error)) throw error
  const ctx = await pageContext(deps, c)
  const status = error.code === 'not_found' ? 404 : error.code === 'invalid_input' ? 400 : 409
  const detail = error.issues?.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
  const message = t('未做任何更改。', `Nothing was changed. ${error.message}${detail ? ` (${detail})` : ''}`)
  c.header('cache-control', 'no-store')
  return c.html(errorPage(ctx, { title: `${status} ${error.code}`, message, path: '/admin' }), status)
}
