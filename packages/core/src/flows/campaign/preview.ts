import { loopError } from '../../errors.js'
import type { Runtime } from '../../loop/runtime.js'
import { firstReachable } from '../policy/chain.js'
import { campaignMessage } from './create.js'
import { campaignStore } from './store.js'

/** What `loop.campaigns.preview` answers: how many the audience holds, and who the first few are. */
export interface CampaignPreview {
  members: number
  /** The first members, each with the channel their row would go to (null: none reaches them). */
  sample: Array<{ customerId: string; channel: string | null }>
  message: ReturnType<typeof campaignMessage>
}

/**
 * A dry run of a campaign: counts its audience and renders its first members' routing, sending
 * and writing nothing.
 */
export async function previewCampaign(
  rt: Runtime,
  input: { id: string; sample?: number },
): Promise<CampaignPreview> {
  const c = await campaignStore(rt).getCampaign({ id: String(input.id) })
  if (!c) throw loopError('campaigns', 'not_found', `No campaign \`${input.id}\`.`)
  const message = campaignMessage(rt, c)
  const now = c.startedAt ?? rt.now()
  const [{ count }, page] = await Promise.all([
    rt.storage.countCustomers({ where: c.where, now }),
    rt.storage.listCustomers({
      where: c.where,
      after: null,
      limit: Math.min(Math.max(1, input.sample ?? 5), 50),
      now,
    }),
  ])
  return {
    members: count,
    message,
    sample: page.customers.map((customer) => ({
      customerId: customer.id,
      channel:
        firstReachable(rt.config.policy, rt.messaging, c.channels, customer, message, () => {})?.id ?? null,
    })),
  }
}
