import type { StorageAdapter } from '../../contracts/storage.js'
import { loopError } from '../../errors.js'
import type { Runtime } from '../../loop/runtime.js'

type CampaignStore = Required<
  Pick<
    StorageAdapter,
    'createCampaign' | 'getCampaign' | 'advanceCampaign' | 'cancelCampaign' | 'countCampaignRows'
  >
> &
  Pick<StorageAdapter, 'campaignResults'>

/** The storage's campaign operations, or a `configuration` error naming what is missing. */
export function campaignStore(rt: Runtime): CampaignStore {
  const s = rt.storage
  if (!s.createCampaign || !s.getCampaign || !s.advanceCampaign || !s.cancelCampaign || !s.countCampaignRows)
    throw loopError(
      'campaigns',
      'configuration',
      'Campaigns need a storage adapter with the campaign operations.',
    )
  return {
    createCampaign: s.createCampaign.bind(s),
    getCampaign: s.getCampaign.bind(s),
    advanceCampaign: s.advanceCampaign.bind(s),
    cancelCampaign: s.cancelCampaign.bind(s),
    countCampaignRows: s.countCampaignRows.bind(s),
    ...(s.campaignResults ? { campaignResults: s.campaignResults.bind(s) } : {}),
  }
}
