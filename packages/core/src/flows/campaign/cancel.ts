import type { Campaign } from '../../domain/campaign.js'
import { loopError } from '../../errors.js'
import type { Runtime } from '../../loop/runtime.js'
import { campaignStore } from './store.js'

/**
 * Cancels a campaign: its fan-out stops at the next batch, and its rows still waiting in the
 * outbox (not yet sent, or deferred by quiet hours) are skipped (`skipped: cancelled`). Rows
 * already sent stay sent.
 */
export async function cancelCampaign(rt: Runtime, input: { id: string }): Promise<Campaign> {
  const store = campaignStore(rt)
  const id = String(input.id)
  const cancelled = await store.cancelCampaign({ id, now: rt.now() })
  if (cancelled) return cancelled
  const c = await store.getCampaign({ id })
  if (!c) throw loopError('campaigns', 'not_found', `No campaign \`${id}\`.`)
  throw loopError('campaigns', 'invalid_transition', `Campaign \`${id}\` is already cancelled.`)
}
