import * as z from 'zod/mini'
import { newId } from '../../_internal/ids.js'
import type { Effects } from '../../contracts/storage.js'
import type { Campaign, CampaignVisit } from '../../domain/campaign.js'
import { loopError } from '../../errors.js'
import { type Runtime, routeUrl } from '../../loop/runtime.js'
import { parseInput } from '../../schemas.js'
import { campaignToken, MAX_LINK_TARGET, verifyCampaignToken } from '../../security/campaign-token.js'
import { allowedUrl, safeLocation } from '../../security/redirect.js'
import { visitorId } from '../share.js'
import { campaignStore } from './store.js'

/** What `loop.campaigns.link()` answers. */
export interface CampaignLink {
  /** Signed: carries the campaign id (and `to`); cannot be forged or edited. */
  token: string
  /** `<baseUrl>/c/<token>`: put it in any message, poster or post. */
  url: string
}

const linkInput = z.strictObject({
  id: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)),
  to: z.optional(z.string().check(z.minLength(1), z.maxLength(MAX_LINK_TARGET))),
})

/**
 * `target` as the absolute URL a campaign link may lead to: on the loop's origin or an origin of
 * `allowedRedirectOrigins`, http(s), no credentials. Null otherwise.
 */
export function linkTarget(rt: Runtime, target: string): string | null {
  const url = allowedUrl(target, rt.baseUrl, rt.config.allowedRedirectOrigins)
  return url && url.href.length <= MAX_LINK_TARGET ? url.href : null
}

/** The signed link of campaign `c` leading to `to` (already checked with {@link linkTarget}). */
export function signedLink(rt: Runtime, campaignId: string, to: string | null): CampaignLink {
  const token = campaignToken(rt.keys.campaign, campaignId, to)
  return { token, url: routeUrl(rt, `/c/${token}`) }
}

/**
 * The campaign's signed link. `to` (a path on the site, or a URL on its origin or an origin of
 * `allowedRedirectOrigins`) is signed into the token; without it the link leads to the campaign's
 * `message.url`, else `/`. A `to` elsewhere is `invalid_input`; an unknown campaign `not_found`.
 */
export async function campaignLink(rt: Runtime, raw: { id: string; to?: string }): Promise<CampaignLink> {
  const input = parseInput(linkInput, raw, 'campaigns')
  const to = input.to === undefined ? null : linkTarget(rt, input.to)
  if (input.to !== undefined && to === null)
    throw loopError(
      'campaigns',
      'invalid_input',
      '`to` must be on this site or on an origin of option `allowedRedirectOrigins`.',
      { issues: [{ path: ['to'], message: 'origin not allowed' }] },
    )
  if (!(await campaignStore(rt).getCampaign({ id: input.id })))
    throw loopError('campaigns', 'not_found', `No campaign \`${input.id}\`.`)
  return signedLink(rt, input.id, to)
}

/** Where a visit goes: the signed `to`, else the campaign's `message.url`, else `/` — each only if still allowed. */
function destination(rt: Runtime, c: Campaign, to: string | null): string {
  for (const target of [to, c.message.url ?? null]) {
    const url = target === null ? null : linkTarget(rt, target)
    if (url) return new URL(url).origin === rt.baseUrl.origin ? safeLocation(rt.baseUrl, url) : url
  }
  return '/'
}

/**
 * Someone opened a campaign link: verify it, record the visit (the browser's key, and the customer
 * when logged in) unless `record` is false, and say where to send them. A forged, edited or unknown
 * token is `not_found`, and nothing is written.
 */
export async function visitCampaign(
  rt: Runtime,
  input: { token: string; visitorKey: string; customerId: string | null; record: boolean },
): Promise<{ campaign: Campaign; visit: CampaignVisit | null; location: string }> {
  const claim = verifyCampaignToken(rt.keys.campaign, input.token)
  const store = campaignStore(rt)
  const campaign = claim ? await store.getCampaign({ id: claim.campaignId }) : null
  if (!claim || !campaign) throw loopError('campaigns', 'not_found', 'This campaign link is not valid.')
  const location = destination(rt, campaign, claim.to)
  const recordVisit = rt.storage.recordCampaignVisit
  if (!input.record || !recordVisit) return { campaign, visit: null, location }
  const visit: CampaignVisit = {
    id: newId('cvi'),
    campaignId: campaign.id,
    visitorKey: input.visitorKey,
    customerId: input.customerId,
    at: rt.now(),
  }
  const effects: Effects = {
    events: [
      rt.event(
        'campaign.visited',
        { campaignId: campaign.id, visitor: visitorId(rt, input.visitorKey) },
        { customerId: input.customerId },
      ),
    ],
  }
  await recordVisit.call(rt.storage, { visit, effects })
  rt.published(effects)
  return { campaign, visit, location }
}
