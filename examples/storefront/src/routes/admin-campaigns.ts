import { loopError } from '@loopkit/core'
import type { Context, Hono } from 'hono'
import { isAdminRequest } from '../admin-auth.js'
import { csrfToken } from '../admin-csrf.js'
import { campaignForm, createInput } from '../campaign-form.js'
import { NEW_FOLLOWERS } from '../new-followers.js'
import { campaignReportPage } from '../pages/campaign-report.js'
import { campaignsPage } from '../pages/campaigns.js'
import { adminForm, adminProblem, refuseAdmin } from './admin-guard.js'
import { pageContext, type ShopDeps } from './context.js'

const CAMPAIGN_ID = /^[A-Za-z0-9_-]{1,64}$/
/** Campaigns per page of `/admin/campaigns`. */
const PAGE = 50

/** The campaign id of the path, or `not_found` for one no campaign can have. */
function campaignId(c: Context): string {
  const id = c.req.param('id') ?? ''
  if (!CAMPAIGN_ID.test(id)) throw loopError('storefront', 'not_found', 'No such campaign.')
  return id
}

/**
 * `/admin/campaigns` (list and create), `/admin/campaigns/:id` (preview while a draft, the report
 * always), and its `send` and `cancel` forms. Every POST passes the admin's CSRF check first.
 */
export function adminCampaignRoutes(app: Hono, deps: ShopDeps): void {
  const { loop } = deps

  const listPage = async (c: Context, form: Record<string, unknown>, status: 200 | 400) => {
    // `after` is the loop's own cursor (a campaign id it validates): a malformed or unknown one is a 400.
    const after = c.req.query('after') || null
    const [ctx, page, audiences] = await Promise.all([
      pageContext(deps, c),
      loop.campaigns.list({ after, limit: PAGE }),
      loop.audiences.list(),
    ])
    const sizes = new Map(
      await Promise.all(audiences.map(async (a) => [a.id, await loop.audiences.count(a.id)] as const)),
    )
    const values = campaignForm({ audience: NEW_FOLLOWERS, ...form })
    c.header('cache-control', 'no-store')
    return c.html(
      campaignsPage(ctx, {
        campaigns: page.campaigns,
        next: page.next,
        audiences,
        sizes,
        channels: deps.channels,
        form: values,
        csrf: csrfToken(deps, c),
        origin: deps.origin,
      }),
      status,
    )
  }

  app.get('/admin/campaigns', async (c) => {
    if (!isAdminRequest(deps, c)) return refuseAdmin(deps, c)
    try {
      return await listPage(c, {}, 200)
    } catch (error) {
      return adminProblem(deps, c, error)
    }
  })

  app.post('/admin/campaigns', async (c) => {
    const checked = await adminForm(deps, c)
    if ('refused' in checked) return checked.refused
    try {
      const input = createInput(campaignForm(checked.form), deps)
      const campaign = await loop.campaigns.create(input)
      return c.redirect(`/admin/campaigns/${campaign.id}`, 303)
    } catch (error) {
      return adminProblem(deps, c, error)
    }
  })

  app.get('/admin/campaigns/:id', async (c) => {
    if (!isAdminRequest(deps, c)) return refuseAdmin(deps, c)
    try {
      const id = campaignId(c)
      const report = await loop.campaigns.report({ id })
      const preview =
        report.campaign.status === 'draft' ? await loop.campaigns.preview({ id, sample: 20 }) : null
      const sample = await Promise.all((preview?.sample ?? []).map((s) => loop.customers.get(s.customerId)))
      const members = new Map(sample.filter((m) => m !== null).map((m) => [m.id, m]))
      // The signed link people can also meet outside the message (a poster, a post); it counts the same.
      // Signed with the message's URL, as the fan-out signs it: the very link members received.
      const to = report.campaign.message.url
      const link = to ? (await loop.campaigns.link({ id, to })).url : null
      const ctx = await pageContext(deps, c)
      c.header('cache-control', 'no-store')
      return c.html(campaignReportPage(ctx, { report, preview, members, link, csrf: csrfToken(deps, c) }))
    } catch (error) {
      return adminProblem(deps, c, error)
    }
  })

  for (const action of ['send', 'cancel'] as const) {
    app.post(`/admin/campaigns/:id/${action}`, async (c) => {
      const checked = await adminForm(deps, c)
      if ('refused' in checked) return checked.refused
      try {
        const id = campaignId(c)
        if (action === 'send') await loop.campaigns.send({ id })
        else await loop.campaigns.cancel({ id })
        return c.redirect(`/admin/campaigns/${id}`, 303)
      } catch (error) {
        return adminProblem(deps, c, error)
      }
    })
  }
}
