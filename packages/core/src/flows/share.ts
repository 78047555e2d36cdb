import { newId } from '../_internal/ids.js'
import { mac } from '../_internal/sign.js'
import type { Effects } from '../contracts/storage.js'
import { displayMoney } from '../domain/money.js'
import type { Share, Visit } from '../domain/share.js'
import { loopError } from '../errors.js'
import { type Runtime, routeUrl } from '../loop/runtime.js'
import { clientEventBody, parseInput, shareInput } from '../schemas.js'
import { newShareId, shareToken, verifyShareToken } from '../security/share-token.js'

/** What `loop.shares.create()` returns: the stored share and its signed link. */
export interface CreatedShare {
  share: Share
  /** 28 characters; fits a mini-program `scene`. */
  token: string
  /** The link to share: `<baseUrl>/s/<token>`. */
  link: string
}

const defaultTarget = ({ sku }: { sku: { id: string } | null }) =>
  sku ? `/?sku=${encodeURIComponent(sku.id)}` : '/'

export function shareLink(rt: Runtime, token: string): string {
  return routeUrl(rt, `/s/${token}`)
}

/** A customer shares a SKU (or the shop): the share is stored and a signed link returned. */
export async function createShare(rt: Runtime, raw: unknown): Promise<CreatedShare> {
  const input = parseInput(shareInput, raw, 'share')
  const customer = await rt.storage.getCustomer({ id: input.customerId })
  if (!customer) throw loopError('share', 'unauthorized', 'Log in before sharing.')
  const sku = input.skuId ? await rt.storage.getSku({ id: input.skuId }) : null
  if (input.skuId && !sku) throw loopError('share', 'not_found', `No product \`${input.skuId}\`.`)
  const share: Share = {
    id: newShareId(),
    customerId: customer.id,
    skuId: sku?.id ?? null,
    target: (rt.options.shares?.target ?? defaultTarget)({ sku }),
    channel: input.channel ?? null,
    createdAt: rt.now(),
  }
  const effects: Effects = {
    events: [
      rt.event(
        'share.created',
        { shareId: share.id, skuId: share.skuId, channel: share.channel },
        { customerId: customer.id },
      ),
    ],
  }
  await rt.storage.createShare({ share, effects })
  rt.published(effects)
  const token = shareToken(rt.keys.share, share.id)
  return { share, token, link: shareLink(rt, token) }
}

/** The share behind a genuine token, or a `not_found` LoopError (forged and unknown look the same). */
export async function resolveShare(rt: Runtime, token: string): Promise<Share> {
  const id = verifyShareToken(rt.keys.share, token)
  const share = id ? await rt.storage.getShare({ id }) : null
  if (!share) throw loopError('share', 'not_found', 'This share link is not valid.')
  return share
}

/**
 * Someone opened a share link: record the visit (with the browser's key, and the customer if
 * logged in) and return where to send them. The sharer opening their own link is not a visit, nor
 * is an open with `record: false` (the route's verdict on a subrequest or a flood).
 */
export async function visitShare(
  rt: Runtime,
  input: { token: string; visitorKey: string; customerId: string | null; record?: boolean },
): Promise<{ share: Share; visit: Visit | null; location: string }> {
  const share = await resolveShare(rt, input.token)
  const target = new URL(share.target, rt.baseUrl.origin)
  target.searchParams.set('share', input.token)
  const location = target.origin === rt.baseUrl.origin ? `${target.pathname}${target.search}` : target.href
  if (input.record === false || input.customerId === share.customerId) return { share, visit: null, location }
  const visit: Visit = {
    id: newId('vis'),
    shareId: share.id,
    sharerId: share.customerId,
    visitorKey: input.visitorKey,
    customerId: input.customerId,
    at: rt.now(),
  }
  const effects: Effects = {
    events: [
      rt.event(
        'share.visited',
        { shareId: share.id, sharerId: share.customerId, visitor: visitorId(rt, input.visitorKey) },
        { customerId: input.customerId },
      ),
    ],
  }
  await rt.storage.recordVisit({ visit, effects })
  rt.published(effects)
  return { share, visit, location }
}

/** The public data of a share card (`GET /shares/:token/card`): what a share preview needs, nothing about the sharer. */
export interface ShareCard {
  shareId: string
  token: string
  title: string
  description: string
  imageUrl: string | null
  price: { amount: number; currency: string; display: string } | null
  link: string
}

/** The data the share-card widget renders. */
export async function shareCard(rt: Runtime, input: { token: string }): Promise<ShareCard> {
  const share = await resolveShare(rt, input.token)
  const sku = share.skuId ? await rt.storage.getSku({ id: share.skuId }) : null
  return {
    shareId: share.id,
    token: input.token,
    title: sku?.title ?? 'A friend recommends this shop',
    description: sku?.description ?? '',
    imageUrl: sku?.imageUrl ?? null,
    price: sku
      ? {
          amount: sku.price,
          currency: sku.currency,
          display: displayMoney(sku.price, sku.currency),
        }
      : null,
    link: shareLink(rt, input.token),
  }
}

/**
 * A share action reported by the widget (which channel was used), for per-channel analytics. The
 * report must name the share by its signed token, or come from a logged-in customer: a bare share
 * id, which appears in cards and logs, does not let anyone write events.
 */
export async function recordClientEvent(rt: Runtime, raw: unknown, customerId: string | null): Promise<void> {
  const body = parseInput(clientEventBody, raw, 'events')
  let share: Share | null
  if (body.token !== undefined) {
    share = await resolveShare(rt, body.token)
  } else if (body.shareId !== undefined) {
    if (!customerId) throw loopError('events', 'unauthorized', 'Send the share `token`, or log in.')
    share = await rt.storage.getShare({ id: body.shareId })
  } else {
    throw loopError('events', 'invalid_input', 'Name the share with `token`.')
  }
  if (!share) throw loopError('events', 'not_found', 'No such share.')
  const effects: Effects = {
    events: [
      rt.event(
        'share.action',
        { shareId: share.id, channel: body.channel, sharerId: share.customerId },
        { customerId },
      ),
    ],
  }
  await rt.storage.appendEvents({ events: effects.events! })
  rt.published(effects)
}

/**
 * The first-party visitor id analytics counts a browser by: a MAC of its visitor key, so the event
 * log (read by plugins and exports) never holds the key that claims the browser's visits at login.
 */
export function visitorId(rt: Runtime, visitorKey: string): string {
  return mac(rt.keys.share, `visitor:${visitorKey}`, 16)
}
