import * as z from 'zod/mini'
import type { Campaign, CampaignStatus } from '../../domain/campaign.js'
import { loopError } from '../../errors.js'
import type { Runtime } from '../../loop/runtime.js'
import { parseInput } from '../../schemas.js'
import { campaignStore } from './store.js'

/** The largest page `loop.campaigns.list()` serves. */
const MAX_PAGE = 200

const listInput = z.strictObject({
  status: z.optional(z.enum(['draft', 'sending', 'sent', 'cancelled'])),
  after: z.optional(z.nullable(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)))),
  limit: z.optional(z.int().check(z.minimum(1), z.maximum(MAX_PAGE))),
})

/** The input of `loop.campaigns.list`. */
export interface CampaignListInput {
  /** Only campaigns in this state. */
  status?: CampaignStatus
  /** The `next` of the previous page: the id of its last campaign. */
  after?: string | null
  /** 1–200; default 50. */
  limit?: number
}

/** One page of campaigns, newest first, and the cursor of the next (`null` after the last). */
export interface CampaignPage {
  campaigns: Campaign[]
  next: string | null
}

// Every input the interface allows is one the schema's type allows (a compile-time check).
const _fitsSchema = (input: CampaignListInput): z.input<typeof listInput> => input
void _fitsSchema

/**
 * Campaigns newest first (by creation time, ties by id), a page at a time: pass `next` back as
 * `after`. The cursor is a campaign id, so it stays valid while campaigns are created (they come
 * before it) or change status. An `after` naming no campaign is `invalid_input`.
 */
export async function listCampaigns(rt: Runtime, raw: unknown = {}): Promise<CampaignPage> {
  const input = parseInput(listInput, raw, 'campaigns')
  const store = campaignStore(rt)
  const list = rt.storage.listCampaigns
  if (!list)
    throw loopError(
      'campaigns',
      'configuration',
      'Listing campaigns needs a storage adapter with `listCampaigns`.',
    )
  let before: { createdAt: number; id: string } | null = null
  if (input.after) {
    const last = await store.getCampaign({ id: input.after })
    if (!last)
      throw loopError('campaigns', 'invalid_input', `The cursor \`after\` names no campaign.`, {
        issues: [{ path: ['after'], message: 'unknown campaign' }],
      })
    before = { createdAt: last.createdAt, id: last.id }
  }
  const limit = input.limit ?? 50
  // One more than the page: whether it exists decides `next`, without a second query.
  const rows = await list.call(rt.storage, {
    ...(input.status ? { status: input.status } : {}),
    before,
    limit: limit + 1,
  })
  const campaigns = rows.slice(0, limit)
  return { campaigns, next: rows.length > limit ? campaigns.at(-1)!.id : null }
}
