import { newId } from '../_internal/ids.js'
import type { Effects } from '../contracts/storage.js'
import type { Visit } from '../domain/share.js'
import type { Runtime } from '../loop/runtime.js'
import { verifyShareToken } from '../security/share-token.js'

/**
 * A known customer scanned a share's QR code (an official-account parametric code whose scene is
 * the share token): the scan is a visit by that customer, so their next order attributes to the
 * sharer like a link click would. A token that is not genuine, an unknown share and the sharer's
 * own scan record nothing (`null`).
 */
export async function scanShare(
  rt: Runtime,
  input: { token: string; customerId: string },
): Promise<{ shareId: string; sharerId: string } | null> {
  const id = verifyShareToken(rt.keys.share, input.token)
  const share = id ? await rt.storage.getShare({ id }) : null
  if (!share || share.customerId === input.customerId) return null
  const visit: Visit = {
    id: newId('vis'),
    shareId: share.id,
    sharerId: share.customerId,
    // No browser here: the customer is the visitor, and attribution looks visits up by customer.
    visitorKey: `customer:${input.customerId}`,
    customerId: input.customerId,
    at: rt.now(),
  }
  const effects: Effects = {
    events: [
      rt.event(
        'share.visited',
        { shareId: share.id, sharerId: share.customerId, via: 'qr' },
        { customerId: input.customerId },
      ),
    ],
  }
  await rt.storage.recordVisit({ visit, effects })
  rt.published(effects)
  return { shareId: share.id, sharerId: share.customerId }
}
